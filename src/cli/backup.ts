/**
 * @module cli/backup
 * `hookrelay backup PATH [--force] [--config PATH] [--json]`: writes a
 * consistent copy of the daemon's database to PATH, while the daemon runs or
 * not. Of the config only `storage.path` (and whether `storage.driver` is postgres, which it refuses) is read (db/backup.ts makes the copy;
 * config/storage-path.ts says why only that). Restoring is putting the file
 * back in place of the database while the daemon is stopped.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BackupError, backupDatabase } from "../db/backup";
import { expectPositionals, parseOrUsage } from "./args";
import { databaseFile } from "./database-path";
import { CliError, type Command, UsageError } from "./io";
import { printJson } from "./output";

const USAGE = "hookrelay backup PATH [--force] [--config PATH] [--json]";

export const backup: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: { config: { type: "string" }, json: { type: "boolean" }, force: { type: "boolean" } },
      allowPositionals: true,
    }),
  );
  expectPositionals(positionals, 1, USAGE);
  if (positionals[0] === "") throw new UsageError(`PATH is empty; usage: ${USAGE}`);
  const target = resolve(positionals[0]!);
  const { path: database, postgres } = databaseFile(values.config, io);
  // The file storage.path names is not the daemon's data there: a copy of it would restore nothing current.
  if (postgres) throw new CliError("storage.driver is postgres: back up the PostgreSQL database with its own tools (pg_dump); backup copies a SQLite file");
  let bytes: number;
  try {
    ({ bytes } = backupDatabase(database, target, { force: values.force === true }));
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message);
    throw err;
  }
  if (values.json) printJson(io, { path: target, bytes, database });
  else io.stdout(`backed up ${database} to ${target} (${bytes} bytes)\n`);
  return 0;
};
