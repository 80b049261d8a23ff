/**
 * @module config/storage-path
 * The database file a config names, read without checking the rest of the
 * config: `hookrelay backup` needs nothing else, and must work from a shell
 * that has neither the service's secret files nor its environment variables.
 */
import { readYaml } from "./document";
import type { Env } from "./env";
import { ConfigError, type Report } from "./errors";
import { type ConfigText, configBaseDir } from "./load";
import { storagePath } from "./resolve";

const KEY = "storage.path";

/**
 * The absolute path of the database, or the problems that hide it. `postgres`
 * says the daemon keeps its data in PostgreSQL, so the file is at most what
 * `storage copy` moved there from.
 */
export type StoragePathResult =
  | { readonly ok: true; readonly path: string; readonly postgres: boolean }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Where the config's database is; problems elsewhere in the file (a secret's variable unset, say) do not matter. */
export function readStoragePath(config: ConfigText, env: Env): StoragePathResult {
  if (!config.ok) return config;
  const errors: ConfigError[] = [];
  const report: Report = (at, path, message) => errors.push(new ConfigError(config.source, at.line, at.col, path, message));
  const tree = readYaml(config.text, env, report);
  // Problems of the YAML text itself (path "") leave no tree to trust.
  const here = errors.filter((e) => e.path === "" || e.path === "storage" || e.path === KEY);
  if (!tree || here.length > 0) return { ok: false, errors: here };
  const value = field(field(tree.value, "storage"), "path");
  if (value !== undefined && (typeof value !== "string" || value === "")) {
    const at = tree.locations.value(KEY);
    return { ok: false, errors: [new ConfigError(config.source, at.line, at.col, KEY, "expected the path of the SQLite file")] };
  }
  const postgres = field(field(tree.value, "storage"), "driver") === "postgres";
  return { ok: true, path: storagePath(configBaseDir(config.source), value), postgres };
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}
