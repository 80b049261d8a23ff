/**
 * @module cli/check
 * `hookrelay check [--config PATH] [--connect] [--json]`: loads the config exactly as serve
 * would and prints every problem at once, one `FILE:LINE:COL: key.path: message` a line.
 * A valid config is also held against the database, if there is one: an
 * endpoint id the endpoint API has taken is an error (serve would refuse
 * it), and deliveries still waiting for endpoints the config no longer names
 * are reported. Without a configured encryption key it names the key file
 * that encrypts stored secrets, which must be backed up with the database.
 * With --connect it also says whether the configured database answers; on
 * PostgreSQL the config is held against the database only then.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors";
import { loadConfigFile } from "../config/load";
import type { Locations } from "../config/locations";
import { resolveConfigPath } from "../config/locate";
import type { Config } from "../config/types";
import type { EndpointBacklog } from "../outbox/backlog-by-endpoint";
import { keyFilePath } from "../sealing/keys";
import { redactUrl } from "../storage/url";
import { parseOrUsage } from "./args";
import { checkConnect } from "./check-connect";
import { type DatabaseReport, readDatabase, readPostgresDatabase } from "./check-database";
import { CliError, type CliIo, type Command } from "./io";

/** What a successful check reports about the config. */
interface CheckSummary {
  readonly endpoints: number;
  /** Endpoints removed from the config whose deliveries are held until they return. */
  readonly removed_backlog: readonly EndpointBacklog[];
  /** The key file that encrypts stored secrets when the config sets no key; null when it does. */
  readonly key_file: { readonly path: string; readonly exists: boolean } | null;
  /** With --connect: the sentence that says the database answers. */
  readonly database?: string;
}

/** Validates the config and reports every problem; exit 0 valid, 1 invalid, 2 bad flags. */
export const check: Command = async (argv, io) => {
  const { values } = parseOrUsage(() =>
    parseArgs({ args: argv, options: { config: { type: "string" }, json: { type: "boolean" }, connect: { type: "boolean" } }, allowPositionals: false }),
  );
  const path = resolveConfigPath(values.config, io.env, existsSync);
  if (path === null) {
    throw new CliError("no config file found: pass --config PATH, set HOOKRELAY_CONFIG, or create ./hookrelay.yaml");
  }
  const json = values.json === true;
  const result = loadConfigFile(path, io.env);
  if (!result.ok) return failed(result.errors, json, io);
  const config = result.config;
  const against: HeldAgainst = { file: path, locations: result.locations, config, json, io };
  // A SQLite file is read where it lies; PostgreSQL only with --connect, once it has answered.
  const sqlite = config.storage.driver === "sqlite" ? await readDatabase(config) : null;
  const refusedBySqlite = sqlite && heldAgainst(sqlite, against);
  if (refusedBySqlite) return refusedBySqlite;
  const connected = values.connect === true ? await checkConnect(config) : null;
  if (connected && !connected.ok) {
    if (json) io.stdout(`${JSON.stringify({ ok: false, errors: [], database: connected.sentence })}\n`);
    io.stderr(`${connected.sentence}\n`);
    return 1;
  }
  const database = sqlite ?? (connected ? await readPostgresDatabase(config) : ({ kind: "none" } as const));
  const refused = sqlite ? null : heldAgainst(database, against);
  if (refused) return refused;
  const summary: CheckSummary = {
    endpoints: config.endpoints.length,
    removed_backlog: database.kind === "read" ? database.removed : [],
    key_file: keyFile(config),
    ...(connected ? { database: connected.sentence } : {}),
  };
  if (json) io.stdout(`${JSON.stringify({ ok: true, ...summary })}\n`);
  else print(summary, io);
  return 0;
};

interface HeldAgainst {
  readonly file: string;
  readonly locations: Locations;
  readonly config: Config;
  readonly json: boolean;
  readonly io: CliIo;
}

/** Notes a database that could not be read (which does not make the config wrong); answers exit 1 for ids serve would refuse, else null. */
function heldAgainst(database: DatabaseReport, c: HeldAgainst): number | null {
  const where = c.config.storage.driver === "sqlite" ? c.config.storage.path : redactUrl(c.config.storage.url!.reveal());
  if (database.kind === "unreadable") c.io.stderr(`note: could not read the database ${where}: ${database.reason}\n`);
  const taken = database.kind === "read" ? takenIdErrors(c.file, c.config, c.locations, database.taken) : [];
  return taken.length > 0 ? failed(taken, c.json, c.io) : null;
}

/** Prints the errors (one per line on stderr; with --json also as one document) and answers exit code 1. */
function failed(errors: readonly ConfigError[], json: boolean, io: CliIo): number {
  if (json) io.stdout(`${JSON.stringify({ ok: false, errors })}\n`);
  for (const error of errors) io.stderr(`${error.toString()}\n`);
  return 1;
}

// The one place that decides how a passing check reads; further findings belong here.
function print(summary: CheckSummary, io: CliIo): void {
  io.stdout(`config ok: ${summary.endpoints} endpoints\n`);
  for (const b of summary.removed_backlog) {
    io.stdout(`removed endpoint ${b.endpoint_id}: ${b.pending} pending, ${b.held} held, ${b.failed} failed; held until it is configured again\n`);
  }
  if (summary.database) io.stdout(`${summary.database}\n`);
  const key = summary.key_file;
  if (key) {
    const what = "the stored secrets of endpoints created over the API";
    io.stdout(
      key.exists
        ? `key file ${key.path} encrypts ${what}; back it up with the database\n`
        : `key file ${key.path} does not exist yet; serve creates it at its first start to encrypt ${what}; back it up with the database\n`,
    );
  }
}

/** Endpoint ids of the config that the endpoint API has or had, each an error at its id, as serve would refuse them. */
function takenIdErrors(file: string, config: Config, locations: Locations, taken: ReadonlySet<string>): ConfigError[] {
  return config.endpoints.flatMap((e, i) => {
    if (!taken.has(e.id)) return [];
    const path = `endpoints[${i}].id`;
    const at = locations.value(path);
    return [new ConfigError(file, at.line, at.col, path, `"${e.id}" is taken by an endpoint created over the API (ids of deleted ones are never used again); choose another id`)];
  });
}

/** The key file serve uses when the config names no encryption key. */
function keyFile(config: Config): CheckSummary["key_file"] {
  if (config.storage.encryptionKeys.length > 0) return null;
  const path = keyFilePath(config.storage.path);
  return { path, exists: existsSync(path) };
}
