/**
 * @module cli/database-path
 * The SQLite file of the config that `--config` (or its defaults) finds, for
 * commands that work on the file itself (`backup`, `storage copy`): only
 * `storage.path` is read (config/storage-path.ts says why).
 */
import { existsSync } from "node:fs";
import { EMBEDDED_SOURCE, readConfigFile } from "../config/load";
import { embeddedExampleConfig, resolveConfigPath } from "../config/locate";
import { readStoragePath } from "../config/storage-path";
import { CliError, type CliIo } from "./io";

/** The SQLite file, and whether the config has the daemon on PostgreSQL instead. */
export function databaseFile(configFlag: string | undefined, io: CliIo): { readonly path: string; readonly postgres: boolean } {
  const configPath = resolveConfigPath(configFlag, io.env, existsSync);
  const found = readStoragePath(
    configPath === null ? { ok: true, text: embeddedExampleConfig(), source: EMBEDDED_SOURCE } : readConfigFile(configPath),
    io.env,
  );
  if (!found.ok) throw new CliError(`cannot tell where the database is: ${found.errors[0]!.toString()}`);
  return found;
}
