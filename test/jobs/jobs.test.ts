/** @module test/jobs/jobs — the croner jobs: they run on their timetable, count their failures, and stop cleanly. */
import { describe, expect, it } from "bun:test";
import { createLogger } from "../../src/log";
import type { RetentionStore } from "../../src/storage/stores";
import { type JobName, PRUNE_BATCH, startJobs } from "../../src/scheduler/jobs";
import { waitFor } from "../helpers/wait";

const EVERY_SECOND: Record<JobName, string> = { retention: "* * * * * *", wal_checkpoint: "* * * * * *", lease_reaper: "* * * * * *" };
const STORAGE = { path: ":memory:", retentionMs: 1000, failedRetentionMs: 1000, sync: "normal" as const };

const NOTHING_TO_CHECKPOINT = async () => ({ busy: 0, walPages: 0, checkpointedPages: 0 });

function fakeRetention(overrides: Partial<RetentionStore>): RetentionStore {
  return {
    pruneDeliveries: async () => 0,
    pruneBareEvents: async () => ({ deleted: 0, next: null }),
    pruneRollups: async () => 0,
    ...overrides,
  };
}

describe("housekeeping jobs", () => {
  it("counts every failed run under the job's name, logs only the first of a streak, and says when it succeeds again", async () => {
    const failures: JobName[] = [];
    const logs: string[] = [];
    let runs = 0;
    const jobs = startJobs({
      retention: fakeRetention({}),
      reap: null,
      checkpoint: async () => {
        if (++runs <= 2) throw new Error("disk I/O error");
        return { busy: 0, walPages: 0, checkpointedPages: 0 };
      },
      storage: () => STORAGE,
      forgetEnded: async () => 0,
      housekeeper: () => true,
      clock: { now: () => Date.now() },
      log: createLogger("debug", "json", (l) => logs.push(l)),
      failed: (job) => failures.push(job),
      timetables: EVERY_SECOND,
    });
    await waitFor("the checkpoint to succeed after two failures", () => logs.some((l) => l.includes("succeeded again")), 10_000);
    await jobs.stop();
    expect(failures).toEqual(["wal_checkpoint", "wal_checkpoint"]);
    const failed = logs.filter((l) => l.includes("housekeeping job failed")).map((l) => JSON.parse(l));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: "error", job: "wal_checkpoint", error: "disk I/O error" });
    expect(JSON.parse(logs.find((l) => l.includes("succeeded again"))!)).toMatchObject({ level: "info", job: "wal_checkpoint" });
  });

  it("never overlaps a run with itself, and stop waits for the run in progress", async () => {
    let starts = 0;
    let calls = 0;
    const logs: string[] = [];
    const jobs = startJobs({
      // Always a full batch: the run keeps pruning (and pausing) until the jobs are stopped.
      retention: fakeRetention({ pruneDeliveries: async () => (calls++, PRUNE_BATCH) }),
      reap: null,
      checkpoint: NOTHING_TO_CHECKPOINT,
      storage: () => (starts++, STORAGE),
      forgetEnded: async () => 0,
      housekeeper: () => true,
      clock: { now: () => Date.now() },
      log: createLogger("debug", "json", (l) => logs.push(l)),
      failed: () => {},
      timetables: EVERY_SECOND,
    });
    await waitFor("a skipped turn", () => logs.some((l) => l.includes("still running") && l.includes('"job":"retention"')), 5_000);
    expect(starts).toBe(1);
    await jobs.stop();
    const after = calls;
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(after);
  });

  it("prunes only while this node holds the housekeeping lease", async () => {
    let housekeeper = false;
    let asked = 0;
    let pruned = 0;
    let checkpoints = 0;
    const jobs = startJobs({
      retention: fakeRetention({ pruneDeliveries: async () => (pruned++, 0) }),
      reap: null,
      checkpoint: async () => (checkpoints++, { busy: 0, walPages: 0, checkpointedPages: 0 }),
      storage: () => STORAGE,
      forgetEnded: async () => 0,
      housekeeper: () => (asked++, housekeeper),
      clock: { now: () => Date.now() },
      log: createLogger("error", "json", () => {}),
      failed: () => {},
      timetables: EVERY_SECOND,
    });
    await waitFor("two turns of retention on a node that is not the housekeeper", () => asked >= 2, 5_000);
    expect(pruned).toBe(0);
    // The checkpoint is of the node's own file: it runs either way.
    expect(checkpoints).toBeGreaterThan(0);
    housekeeper = true;
    await waitFor("retention to prune once this node holds the lease", () => pruned > 0, 5_000);
    await jobs.stop();
  });

  it("ends a run at the next batch once this node no longer holds the housekeeping lease", async () => {
    let housekeeper = true;
    let batches = 0;
    let ended = false;
    const jobs = startJobs({
      // Always a full batch: only the lost lease can end the run before the jobs stop.
      retention: fakeRetention({ pruneDeliveries: async () => (batches++, PRUNE_BATCH) }),
      reap: null,
      checkpoint: NOTHING_TO_CHECKPOINT,
      storage: () => STORAGE,
      forgetEnded: async () => ((ended = true), 0),
      housekeeper: () => housekeeper,
      clock: { now: () => Date.now() },
      log: createLogger("error", "json", () => {}),
      failed: () => {},
      timetables: EVERY_SECOND,
    });
    try {
      await waitFor("a run pruning batch after batch", () => batches >= 3, 5_000);
      expect(ended).toBe(false);
      housekeeper = false;
      await waitFor("the run to end without the lease", () => ended, 5_000);
    } finally {
      await jobs.stop();
    }
  });

  it("gives the jobs of two daemons in one process distinct names", async () => {
    const deps = {
      retention: fakeRetention({}),
      reap: null,
      checkpoint: NOTHING_TO_CHECKPOINT,
      storage: () => STORAGE,
      forgetEnded: async () => 0,
      housekeeper: () => true,
      clock: { now: () => Date.now() },
      log: createLogger("error", "json", () => {}),
      failed: () => {},
    };
    const a = startJobs(deps);
    const b = startJobs(deps);
    await Promise.all([a.stop(), b.stop()]);
  });
});
