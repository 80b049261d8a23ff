/** @module cli/args — node:util parseArgs helpers: failures become usage errors (exit 2), and the flags every client command shares. */
import { UsageError } from "./io";

export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Flags of every command that talks to the daemon: where to find it, and JSON output. */
export const CLIENT_OPTIONS = {
  config: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Fails with a usage error unless exactly `count` positionals (after the subcommand word) were given. */
export function expectPositionals(positionals: readonly string[], count: number, usage: string): void {
  if (positionals.length !== count) throw new UsageError(`usage: ${usage}`);
}
