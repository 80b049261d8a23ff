/**
 * @module db/open
 * Opens the SQLite file with every pragma in one place. Order matters:
 * busy_timeout first so the following statements wait for a lock instead of
 * failing; journal_mode=WAL before synchronous, because the meaning of
 * synchronous depends on the journal mode.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface OpenOptions {
  /** `full` fsyncs every commit (an accepted event survives power loss); `normal` only at checkpoints. */
  readonly sync: "full" | "normal";
}

/** Waiting this long for a lock covers a checkpoint or a `check` reader without hanging a request for long. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * 16 MiB of page cache (negative = KiB). The hot pages are the edges of the
 * indexes new rows are appended to and the heads of the due index, a few
 * MiB even beside a million-row backlog; the kernel's page cache serves the
 * rest. 64 MiB filled up under sustained ingest and added ~57 MB of RSS for
 * no measurable throughput (bench/, BENCHMARKS.md).
 */
const CACHE_SIZE_KIB = -16_384;

export class StorageOpenError extends Error {
  override readonly name = "StorageOpenError";
}

/** Opens (creating the file and its folder if missing) the database for reading and writing. */
export function openDatabase(path: string, options: OpenOptions): Database {
  let db: Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { create: true, strict: true });
  } catch (err) {
    throw new StorageOpenError(`cannot open the database ${path}: ${describe(err)}`);
  }
  try {
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.run("PRAGMA journal_mode = WAL");
    db.run(`PRAGMA synchronous = ${options.sync === "full" ? "FULL" : "NORMAL"}`);
    db.run(`PRAGMA cache_size = ${CACHE_SIZE_KIB}`);
    db.run("PRAGMA temp_store = MEMORY");
    // Prove the file is writable now, not at the first ingest.
    db.run("BEGIN IMMEDIATE");
    db.run("COMMIT");
  } catch (err) {
    db.close();
    throw new StorageOpenError(`cannot write the database ${path}: ${describe(err)}`);
  }
  return db;
}

/** Opens an existing database without ever writing to it (for `hookrelay check`). */
export function openDatabaseReadOnly(path: string): Database {
  return waitingForLocks(new Database(path, { readonly: true, strict: true }));
}

/**
 * Opens an existing database to copy it (`hookrelay backup`). Read-write
 * although nothing is written through it: when no daemon has the file open,
 * SQLite removes the -wal and -shm files this connection needed as it closes,
 * where a read-only one would leave them behind, owned by whoever ran the
 * copy and perhaps not writable by the daemon's user at its next start.
 * (SQLite falls back to read-only by itself when the file is not writable.)
 */
export function openDatabaseToCopy(path: string): Database {
  return waitingForLocks(new Database(path, { readwrite: true, create: false, strict: true }));
}

function waitingForLocks(db: Database): Database {
  db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
