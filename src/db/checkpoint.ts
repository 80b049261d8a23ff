/**
 * @module db/checkpoint
 * One PASSIVE WAL checkpoint: copies what it can of the WAL into the
 * database without waiting for readers or writers, so it may run beside them.
 */
import type { Database } from "bun:sqlite";

export interface Checkpoint {
  /** 1 when a reader or writer kept the checkpoint from finishing (PASSIVE never waits). */
  readonly busy: number;
  readonly walPages: number;
  readonly checkpointedPages: number;
}

export function passiveCheckpoint(db: Database): Checkpoint {
  const row = db.query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(PASSIVE)").get()!;
  return { busy: row.busy, walPages: row.log, checkpointedPages: row.checkpointed };
}
