/**
 * @module db/backup
 * A consistent copy of a database in use, as one complete file. `VACUUM INTO`
 * reads the whole database inside one read transaction, so the copy is the
 * state at one moment however the daemon writes meanwhile: in WAL mode the
 * reader and the writers do not wait for each other, the WAL just cannot be
 * checkpointed past that moment until the copy is done. The copy has no WAL
 * of its own (it is written in rollback-journal mode) and no free pages.
 *
 * It is written beside the target under a temporary name, synced (VACUUM INTO
 * does not sync what it writes) and renamed into place, so the target never
 * holds a partial copy, even after a crash or a full disk.
 */
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { openDatabaseToCopy } from "./open";

export interface BackupOptions {
  /** Replace an existing file at the target. */
  readonly force: boolean;
}

/** A backup that cannot be made, in one sentence for the operator. */
export class BackupError extends Error {
  override readonly name = "BackupError";
}

/** Copies the database at `source` to `target` (absolute paths); answers the copy's size. */
export function backupDatabase(source: string, target: string, options: BackupOptions): { bytes: number } {
  if (!existsSync(source)) throw new BackupError(`there is no database at ${source}; nothing was written`);
  refuseTheDatabaseItself(source, target);
  const refuseExisting = () => {
    if (!options.force && existsSync(target)) throw new BackupError(`${target} already exists; pass --force to replace it`);
  };
  refuseExisting();
  if (!existsSync(dirname(target))) throw new BackupError(`the folder ${dirname(target)} does not exist; nothing was written`);
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  try {
    const db = openDatabaseToCopy(source);
    try {
      db.run("VACUUM INTO ?", [partial]);
    } finally {
      db.close();
    }
    sync(partial, "r+");
    refuseExisting(); // again: the copy may have taken minutes
    renameSync(partial, target);
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof BackupError) throw err;
    throw new BackupError(`cannot back up ${source} to ${target}: ${describe(err)}`);
  }
  try {
    sync(dirname(target), "r"); // makes the rename itself durable
  } catch {
    // Some filesystems (network ones among them) refuse to sync a folder; the copy is in place all the same.
  }
  return { bytes: statSync(target).size };
}

/** Replacing the live database, or its WAL, with a copy of itself would lose what is written after. */
function refuseTheDatabaseItself(source: string, target: string): void {
  let named: string;
  try {
    named = existsSync(target) ? realpathSync(target) : join(realpathSync(dirname(target)), basename(target));
  } catch {
    return; // a folder that is missing fails later, with its own reason
  }
  const live = realpathSync(source);
  if (["", "-wal", "-shm", "-journal"].some((suffix) => named === live + suffix)) {
    throw new BackupError(`${target} is the database itself (or one of its files); choose another path`);
  }
}

function sync(path: string, flags: "r" | "r+"): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
}
