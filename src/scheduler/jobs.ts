/**
 * @module scheduler/jobs
 * Housekeeping on croner timetables: retention pruning, and the WAL
 * checkpoint on SQLite or the reaper of expired leases on PostgreSQL.
 * Retention skips its turn unless this node holds the housekeeping lease, so
 * of several nodes on one database one prunes; the reaper may run on every
 * node (returning an expired lease twice changes nothing).
 * Each job is named, never overlaps itself (`protect`), reports its own
 * failures (counted per job, logged once) instead of throwing into the timer,
 * and stops in reverse start order, waiting for a run in progress so nothing
 * touches the database after the daemon closes it.
 */
import { Cron } from "croner";
import type { Clock } from "../clock";
import type { Config } from "../config/types";
import type { Logger } from "../log";
import type { Checkpoint } from "../db/checkpoint";
import type { EventCursor, FinishedStatus } from "../outbox/retention";
import type { RetentionStore } from "../storage/stores";
import { ROLLUP_RETENTION_MINUTES } from "../stats/window";

/** Rows per pruning transaction: small enough that ingest waits at most a few milliseconds for the lock. */
export const PRUNE_BATCH = 500;
export type JobName = "retention" | "wal_checkpoint" | "lease_reaper";

/** When each job runs (croner patterns with seconds). */
export const TIMETABLES: Readonly<Record<JobName, string>> = {
  // Every five minutes: expired rows never pile up, and a run with nothing expired costs one index probe.
  retention: "0 */5 * * * *",
  // Every second: the daemon's connection never checkpoints itself (db/checkpointer.ts), so this keeps
  // the WAL to about a second of writes; with nothing new to copy a run costs next to nothing.
  wal_checkpoint: "* * * * * *",
  // Every second: a lease that expired is handed out again within a second, and a run with none
  // expired costs one probe of the leases index.
  lease_reaper: "* * * * * *",
};

export interface JobDeps {
  readonly retention: RetentionStore;
  /** One WAL checkpoint, off the event loop (db/checkpointer.ts); null on a database that has none. */
  readonly checkpoint: (() => Promise<Checkpoint>) | null;
  /** Returns expired leases to `pending` (ClaimStore.reapExpired), answering how many; null where no other node can hold a lease. */
  readonly reap: ((now: number) => Promise<number>) | null;
  /** The current storage settings; read at every run, so a reload applies to the next one. */
  readonly storage: () => Pick<Config["storage"], "retentionMs" | "failedRetentionMs">;
  /** Forgets portal sessions and create answers that no longer matter; answers how many. */
  readonly forgetEnded: (now: number) => Promise<number>;
  /** Whether this node holds the housekeeping lease (scheduler/node-heartbeat.ts): retention runs on one node at a time. */
  readonly housekeeper: () => boolean;
  readonly clock: Clock;
  readonly log: Logger;
  /** Counts a failed run (hookrelay_job_errors_total{job}). */
  readonly failed: (job: JobName) => void;
  /** Replaces TIMETABLES (tests run jobs every second instead of waiting minutes). */
  readonly timetables?: Readonly<Record<JobName, string>>;
}

export interface PruneCounts {
  readonly delivered: number;
  readonly cancelled: number;
  readonly failed: number;
  /** Events that never had a delivery. */
  readonly bareEvents: number;
  /** Per-minute attempt rollups older than the longest stats window. */
  readonly rollups: number;
}

export interface PruneOptions {
  /** Yields between batches so requests are served while a large backlog of history is pruned. */
  readonly pause?: () => Promise<void>;
  /** Checked between batches: stop early when the daemon shuts down. */
  readonly stopping?: () => boolean;
}

/**
 * Deletes what retention says has expired at `now`: delivered and cancelled
 * deliveries after `retentionMs`, failed ones after `failedRetentionMs`, with
 * their attempts and events, events that matched no endpoint after `retentionMs`,
 * and attempt rollups no stats window reads any more (stats/window.ts).
 */
export async function pruneExpired(
  retention: RetentionStore,
  storage: Pick<Config["storage"], "retentionMs" | "failedRetentionMs">,
  now: number,
  options: PruneOptions = {},
): Promise<PruneCounts> {
  const pause = options.pause ?? (() => Promise.resolve());
  const stopping = options.stopping ?? (() => false);
  /** Runs `batch` until it deletes fewer than a full batch; answers the rows deleted. */
  const drain = async (batch: () => Promise<number>): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await batch();
      total += n;
      if (n < PRUNE_BATCH || stopping()) return total;
      await pause();
    }
  };
  const deliveries = (status: FinishedStatus, before: number) => drain(() => retention.pruneDeliveries(status, before, PRUNE_BATCH));
  const delivered = await deliveries("delivered", now - storage.retentionMs);
  const cancelled = await deliveries("cancelled", now - storage.retentionMs);
  const failed = await deliveries("failed", now - storage.failedRetentionMs);
  let bareEvents = 0;
  let cursor: EventCursor | null = null;
  do {
    const step = await retention.pruneBareEvents(now - storage.retentionMs, cursor, PRUNE_BATCH);
    bareEvents += step.deleted;
    cursor = step.next;
    if (cursor !== null) await pause();
  } while (cursor !== null && !stopping());
  const rollupsBefore = Math.floor(now / 60_000) - ROLLUP_RETENTION_MINUTES;
  const rollups = await drain(() => retention.pruneRollups(rollupsBefore, PRUNE_BATCH));
  return { delivered, cancelled, failed, bareEvents, rollups };
}

export interface Jobs {
  /** Stops every job, newest first, after its run in progress (if any) finishes. */
  stop(): Promise<void>;
}

/** Distinguishes the jobs of daemons sharing one process (tests): croner refuses duplicate names. */
let instances = 0;

/** Starts the housekeeping jobs. */
export function startJobs(deps: JobDeps): Jobs {
  const instance = ++instances;
  let stopping = false;
  const started: { cron: Cron; running: () => Promise<void> }[] = [];
  const timetables = deps.timetables ?? TIMETABLES;
  const start = (job: JobName, run: () => Promise<void>) => {
    let current: Promise<void> = Promise.resolve();
    // Every failure is counted, but only the first of a streak is logged (the
    // checkpoint runs every second, and a full disk would otherwise write an
    // error line a second); the run that ends the streak says so.
    let failing = false;
    const cron = new Cron(timetables[job], {
        name: `hookrelay.${job}.${instance}`,
        // A run still going when the next is due makes that one skip; saying so explains a gap in the timetable.
        protect: () => deps.log.debug("housekeeping job still running; skipping this turn", { job }),
      }, () => {
      current = run().then(
        () => {
          if (failing) deps.log.info("housekeeping job succeeded again", { job });
          failing = false;
        },
        (err) => {
          deps.failed(job);
          if (!failing) {
            deps.log.error("housekeeping job failed; it runs again on its timetable, and further failures are only counted until one succeeds", {
              job,
              error: err instanceof Error ? err.message : String(err),
            });
          }
          failing = true;
        },
      );
      return current;
    });
    started.push({ cron, running: () => current });
  };

  start("retention", async () => {
    if (!deps.housekeeper()) return;
    const counts = await pruneExpired(deps.retention, deps.storage(), deps.clock.now(), {
      pause: () => new Promise((resolve) => setImmediate(resolve)),
      // A lease lost mid-run (a missed heartbeat) is another node's to prune with: this run ends at the next batch.
      stopping: () => stopping || !deps.housekeeper(),
    });
    const forgotten = await deps.forgetEnded(deps.clock.now());
    const total = counts.delivered + counts.cancelled + counts.failed + counts.bareEvents + counts.rollups + forgotten;
    if (total > 0) deps.log.info("pruned expired history", { ...counts, sessions_and_create_answers: forgotten });
  });
  const { checkpoint, reap } = deps;
  if (checkpoint) {
    start("wal_checkpoint", async () => {
      const result = await checkpoint();
      deps.log.debug("wal checkpoint", { ...result });
    });
  }
  if (reap) {
    start("lease_reaper", async () => {
      const reaped = await reap(deps.clock.now());
      if (reaped > 0) deps.log.warn("returned deliveries whose lease expired to pending; the node that held them stopped or lost the database", { count: reaped });
    });
  }

  return {
    async stop() {
      stopping = true;
      for (const { cron, running } of started.reverse()) {
        cron.stop();
        await running();
      }
    },
  };
}
