/** @module cli/args — node:util parseArgs helpers: failures become usage errors (exit 2), and the flags every client command shares. */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
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

/**
 * Parses the words of an action (`endpoints show ID --json`): its own flags
 * besides CLIENT_OPTIONS, and exactly `count` words after the action's name
 * (`ids`); anything else is a usage error.
 */
export function parseAction<const O extends ParseArgsOptionsConfig>(argv: string[], options: O, count: number, usage: string) {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args: argv, options: { ...CLIENT_OPTIONS, ...options }, allowPositionals: true }));
  const ids = positionals.slice(1);
  expectPositionals(ids, count, usage);
  return { values, ids };
}

/** A flag that takes one of a few words; another is a usage error. */
export function oneOfFlag<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(", ")}`);
  return value as T;
}

/** The most a listing page holds (the API's own bound). */
export const MAX_PAGE = 1000;

/** `--limit` of a listing: a whole number from 1 to MAX_PAGE, passed on as the API's `limit`. */
export function limitFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value) || Number(value) > MAX_PAGE) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE}`);
  return value;
}
