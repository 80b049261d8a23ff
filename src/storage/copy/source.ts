/**
 * @module storage/copy/source
 * The SQLite side of `storage copy`: the file opened so that no daemon can
 * have it open meanwhile, and its tables read as a stream of bounded batches.
 *
 * A running daemon keeps the file open, and every connection to a database
 * in WAL mode holds a shared lock on it for as long as it is open. So the
 * copy asks, without waiting, for an exclusive lock, and holds it (locking
 * mode EXCLUSIVE) until it closes the file: refused, another process has the
 * database open; granted, no daemon can start on it until the copy is done
 * (it finds the file locked and exits), so what is copied is the whole
 * database at one moment.
 */
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { LATEST_SCHEMA, schemaVersion } from "../../db/migrate";
import { copyLine } from "./copy-text";
import { CopyRefused } from "./refused";
import { type CopiedTable, sqliteSelect } from "./tables";

/** One batch of rows, as lines of PostgreSQL's COPY text format. */
export interface Batch {
  readonly text: string;
  readonly rows: number;
}

/** A batch ends at whichever comes first; a single larger row makes a batch of its own. */
const BATCH_ROWS = 1000;
const BATCH_CHARS = 4 * 1024 * 1024;

/** Opens the database at `path` for the copy, or refuses: missing, in use, or not of this hookrelay's schema. */
export function openSource(path: string): Database {
  if (!existsSync(path)) throw new CopyRefused(`there is no database at ${path}; nothing was copied`);
  let db: Database | null = null;
  try {
    db = new Database(path, { readwrite: true, create: false, strict: true });
    lockExclusively(db, path);
    refuseOtherSchemas(schemaVersion(db), path);
    return db;
  } catch (err) {
    db?.close(true);
    if (err instanceof CopyRefused) throw err;
    throw new CopyRefused(`cannot open the database ${path}: ${err instanceof Error ? err.message : String(err)}; nothing was copied`);
  }
}

function lockExclusively(db: Database, path: string): void {
  db.run("PRAGMA busy_timeout = 0");
  db.run("PRAGMA locking_mode = EXCLUSIVE");
  try {
    db.run("BEGIN EXCLUSIVE");
    db.run("COMMIT");
  } catch (err) {
    if ((err as { code?: unknown }).code !== "SQLITE_BUSY") throw err;
    throw new CopyRefused(`the database ${path} is in use by another process; stop the daemon (and any backup or check reading it) and run the copy again`);
  }
}

function refuseOtherSchemas(version: number, path: string): void {
  if (version === LATEST_SCHEMA) return;
  if (version > LATEST_SCHEMA) {
    throw new CopyRefused(`the database ${path} has schema version ${version}, newer than this hookrelay understands (${LATEST_SCHEMA}); run a newer hookrelay`);
  }
  throw new CopyRefused(
    `the database ${path} has schema version ${version}, older than this hookrelay's (${LATEST_SCHEMA}); start this hookrelay's serve on it once so it migrates, stop it, and run the copy again`,
  );
}

/** The rows of `t` in key order, a bounded batch at a time: a cursor walks the table, which is never loaded whole. */
export function* batches(db: Database, t: CopiedTable): Generator<Batch> {
  let lines: string[] = [];
  let chars = 0;
  for (const row of db.query(sqliteSelect(t)).iterate() as Iterable<Record<string, unknown>>) {
    const line = copyLine(row, t.columns);
    lines.push(line);
    chars += line.length;
    if (lines.length >= BATCH_ROWS || chars >= BATCH_CHARS) {
      yield { text: lines.join(""), rows: lines.length };
      lines = [];
      chars = 0;
    }
  }
  if (lines.length > 0) yield { text: lines.join(""), rows: lines.length };
}

/** The value the sequence of `t` is to be moved past (0: none handed out yet). */
export function highestSerial(db: Database, t: CopiedTable): number {
  if (!t.serial) return 0;
  return (db.query(t.serial.highest).get() as { n: number }).n;
}
