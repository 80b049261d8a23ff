/**
 * @module cli/check
 * `hookrelay check [--config PATH] [--connect] [--json]`: loads the config exactly as serve
 * would and prints every problem at once, one `FILE:LINE:COL: key.path: message` a line.
 * A valid config is also held against the database, if there is one: an
 * endpoint id the endpoint API has taken is an error (serve would refuse
 * it), and deliveries still waiting for endpoints the config no longer names
 * are reported. Without a configured encryption key it names the key file
 * that encrypts stored secrets, which must be backed up with the database.
 * With --connect it also says whether the configured database answers.
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
import { parseOrUsage } from "./args";
import { checkConnect } from "./check-connect";
import { readDatabase } from "./check-database";
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
  // Until the daemon runs on PostgreSQL, the file at storage.path is the only database a check can hold the config against.
  const database = result.config.storage.driver === "sqlite" ? readDatabase(result.config) : ({ kind: "none" } as const);
  // An unreadable database does not make the config wrong; say so and carry on.
  if (database.kind === "unreadable") io.stderr(`note: could not read the database ${result.config.storage.path}: ${database.reason}\n`);
  const taken = database.kind === "read" ? takenIdErrors(path, result.config, result.locations, database.taken) : [];
  if (taken.length > 0) return failed(taken, json, io);
  const connected = values.connect === true ? await checkConnect(result.config) : null;
  if (connected && !connected.ok) {
    if (json) io.stdout(`${JSON.stringify({ ok: false, errors: [], database: connected.sentence })}\n`);
    io.stderr(`${connected.sentence}\n`);
    return 1;
  }
  const summary: CheckSummary = {
    endpoints: result.config.endpoints.length,
    removed_backlog: database.kind === "read" ? database.removed : [],
    key_file: keyFile(result.config),
    ...(connected ? { database: connected.sentence } : {}),
  };
  if (json) io.stdout(`${JSON.stringify({ ok: true, ...summary })}\n`);
  else print(summary, io);
  return 0;
};

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
