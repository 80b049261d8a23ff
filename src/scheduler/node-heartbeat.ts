/**
 * @module scheduler/node-heartbeat
 * This node's presence on the database and its turn at housekeeping. Every
 * HEARTBEAT_MS the node writes its row (with the attempts it runs now) and
 * takes or renews the housekeeping lease; the holder also forgets the rows
 * of nodes killed long ago. A node counts as alive while its row is younger
 * than ALIVE_MS, three heartbeats, so one beat delayed by load or a slow
 * database does not make it vanish; the lease lasts as long, so a node that
 * vanishes hands housekeeping on within that time. A clean stop releases the
 * lease and removes the row at once.
 */
import { Cron } from "croner";
import type { Clock } from "../clock";
import type { Logger } from "../log";
import type { HousekeepingLease, NodeRow, NodeStore } from "../storage/stores";

export const HEARTBEAT_MS = 5_000;
/** How recently a node must have beaten to be listed, and how long the housekeeping lease lasts. */
export const ALIVE_MS = 3 * HEARTBEAT_MS;
/** Rows of nodes not seen for this long (killed, never left) are forgotten. */
export const FORGET_NODE_MS = 86_400_000;

export interface NodeHeartbeatDeps {
  readonly nodes: NodeStore;
  readonly housekeeping: HousekeepingLease;
  /** What this node says of itself now. */
  readonly node: () => Omit<NodeRow, "lastSeenAt">;
  readonly clock: Clock;
  readonly log: Logger;
  /** Counts a failed heartbeat (hookrelay_job_errors_total{job="node_heartbeat"}). */
  readonly failed: () => void;
  /** Replaces the heartbeat's croner timetable (tests beat by hand, at times of their choosing). */
  readonly timetable?: string;
}

export interface NodeHeartbeat {
  /** Whether this node holds the housekeeping lease now: it took it at a heartbeat, and that lease has not run out since. */
  holdsHousekeeping(): boolean;
  /** One heartbeat now; the timer calls it every HEARTBEAT_MS. */
  beat(): Promise<void>;
  /** Stops beating, then releases the lease and removes this node's row. */
  stop(): Promise<void>;
}

let instances = 0;

/** Beats once, so the node is listed before it serves its first request, then every HEARTBEAT_MS. */
export async function startNodeHeartbeat(deps: NodeHeartbeatDeps): Promise<NodeHeartbeat> {
  const instance = ++instances;
  let heldUntil = 0;
  let failing = false;
  let current: Promise<void> = Promise.resolve();
  const beat = async () => {
    const now = deps.clock.now();
    try {
      await deps.nodes.heartbeat({ ...deps.node(), lastSeenAt: now });
      const holder = await deps.housekeeping.acquire(now, ALIVE_MS);
      heldUntil = holder ? now + ALIVE_MS : 0;
      if (holder) await deps.nodes.forget(now - FORGET_NODE_MS);
      if (failing) deps.log.info("node heartbeat succeeded again");
      failing = false;
    } catch (err) {
      // A lease that could not be renewed may be another node's by now: this one stops housekeeping at once.
      heldUntil = 0;
      deps.failed();
      if (!failing) deps.log.error("node heartbeat failed; it beats again on its timetable", { error: err instanceof Error ? err.message : String(err) });
      failing = true;
    }
  };
  // One beat at a time, whether the timer or a caller asks.
  const run = () => (current = current.then(beat));
  await run();
  const cron = new Cron(deps.timetable ?? `*/${HEARTBEAT_MS / 1000} * * * * *`, { name: `hookrelay.node_heartbeat.${instance}`, protect: true }, run);
  return {
    holdsHousekeeping: () => deps.clock.now() < heldUntil,
    beat: run,
    async stop() {
      cron.stop();
      await current;
      heldUntil = 0;
      try {
        await deps.housekeeping.release();
        await deps.nodes.leave(deps.node().id);
      } catch (err) {
        // The stop goes on: the lease runs out and the row goes stale by themselves.
        deps.log.warn(`could not leave the node listing; this node drops out of it ${ALIVE_MS / 1000} s after its last heartbeat`, { error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}
