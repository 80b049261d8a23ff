/**
 * @module cli/check
 * `hookrelay check [--config PATH] [--json]`: loads the config exactly as serve
 * would and prints every problem at once, one `FILE:LINE:COL: key.path: message` a line.
 * A valid config is also held against the database, if there is one: deliveries
 * still waiting for endpoints the config no longer names are reported.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../config/load";
import { resolveConfigPath } from "../config/locate";
import type { Config } from "../config/types";
import type { EndpointBacklog } from "../outbox/backlog-by-endpoint";
import { parseOrUsage } from "./args";
import { removedEndpointBacklog } from "./check-backlog";
import { CliError, type CliIo, type Command } from "./io";

/** What a successful check reports about the config. */
interface CheckSummary {
  readonly endpoints: number;
  /** Endpoints removed from the config whose deliveries are held until they return. */
  readonly removed_backlog: readonly EndpointBacklog[];
}

/** Validates the config and reports every problem; exit 0 valid, 1 invalid, 2 bad flags. */
export const check: Command = async (argv, io) => {
  const { values } = parseOrUsage(() =>
    parseArgs({ args: argv, options: { config: { type: "string" }, json: { type: "boolean" } }, allowPositionals: false }),
  );
  const path = resolveConfigPath(values.config, io.env, existsSync);
  if (path === null) {
    throw new CliError("no config file found: pass --config PATH, set HOOKRELAY_CONFIG, or create ./hookrelay.yaml");
  }
  const result = loadConfigFile(path, io.env);
  if (!result.ok) {
    if (values.json) io.stdout(`${JSON.stringify({ ok: false, errors: result.errors })}\n`);
    for (const error of result.errors) io.stderr(`${error.toString()}\n`);
    return 1;
  }
  const summary = summarise(result.config, io);
  if (values.json) {
    io.stdout(`${JSON.stringify({ ok: true, ...summary })}\n`);
    return 0;
  }
  io.stdout(`config ok: ${summary.endpoints} endpoints\n`);
  for (const b of summary.removed_backlog) {
    io.stdout(`removed endpoint ${b.endpoint_id}: ${b.pending} pending, ${b.held} held, ${b.failed} failed; held until it is configured again\n`);
  }
  return 0;
};

// The one place that decides what a passing check says; further findings belong here.
function summarise(config: Config, io: CliIo): CheckSummary {
  const backlog = removedEndpointBacklog(config);
  // An unreadable database does not make the config wrong; say so and carry on.
  if (backlog.kind === "unreadable") io.stderr(`note: could not read the database ${config.storage.path}: ${backlog.reason}\n`);
  return { endpoints: config.endpoints.length, removed_backlog: backlog.kind === "read" ? backlog.removed : [] };
}
