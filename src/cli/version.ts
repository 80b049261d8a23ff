/** @module cli/version — `hookrelay version`: prints the version (`--json` for a document). */
import { parseArgs } from "node:util";
import { VERSION } from "../version";
import type { Command } from "./io";
import { parseOrUsage } from "./args";

export const version: Command = async (argv, io) => {
  const { values } = parseOrUsage(() => parseArgs({ args: argv, options: { json: { type: "boolean" } } }));
  io.stdout(values.json ? `${JSON.stringify({ version: VERSION })}\n` : `hookrelay ${VERSION}\n`);
  return 0;
};
