/**
 * @module db/relaxed-sync
 * Commits that skip SQLite's fsync on a connection that runs
 * synchronous=FULL, for writes whose loss to a power cut costs at most a
 * repeated attempt: leases (outbox/claims.ts) and attempt outcomes
 * (scheduler/scheduler.ts). Such a commit becomes durable with the next one
 * that does fsync the WAL: an ingest group, an operator's change, or the
 * checkpoint that runs every second, which syncs the WAL before it copies.
 */
import type { Database } from "bun:sqlite";

/** PRAGMA synchronous levels: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNC_NORMAL = 1;

export type Relaxed = <T>(work: () => T) => T;

/** Runs `work` (which commits) with synchronous=NORMAL, then restores the connection's level; a plain call when it already runs NORMAL or OFF. */
export function relaxedSync(db: Database): Relaxed {
  const level = (db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
  if (level <= SYNC_NORMAL) return (work) => work();
  const on = db.prepare(`PRAGMA synchronous = ${SYNC_NORMAL}`);
  const off = db.prepare(`PRAGMA synchronous = ${level}`);
  return (work) => {
    on.run();
    try {
      return work();
    } finally {
      off.run();
    }
  };
}
