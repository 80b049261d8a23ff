/**
 * @module cli/check
 * `hookrelay check [--config PATH] [--json]`: loads the config exactly as serve
 * would and prints every problem at once, one `FILE:LINE:COL: key.path: message` a line.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigFile } from "../config/load";
import { resolveConfigPath } from "../config/locate";
import type { Config } from "../config/types";
import { parseOrUsage } from "./args";
import { CliError, type Command } from "./io";

/** What a successful check reports about the config. */
interface CheckSummary {
  readonly endpoints: number;
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
  const summary = summarise(result.config);
  io.stdout(values.json ? `${JSON.stringify({ ok: true, ...summary })}\n` : `config ok: ${summary.endpoints} endpoints\n`);
  return 0;
};

// The one place that decides what a passing check says; further findings belong here.
function summarise(config: Config): CheckSummary {
  return { endpoints: config.endpoints.length };
}
