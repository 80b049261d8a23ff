/**
 * @module cli/backup
 * `hookrelay backup PATH [--force] [--config PATH] [--json]`: writes a
 * consistent copy of the daemon's database to PATH, while the daemon runs or
 * not. Of the config only `storage.path` is read (db/backup.ts makes the copy;
 * config/storage-path.ts says why only that). Restoring is putting the file
 * back in place of the database while the daemon is stopped.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BackupError, backupDatabase } from "../db/backup";
import { expectPositionals, parseOrUsage } from "./args";
import { databasePath } from "./database-path";
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
  const database = databasePath(values.config, io);
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
