/**
 * @module cli/io
 * What a subcommand gets from the outside world, passed in so commands can run
 * in-process in tests, and the two error kinds that decide the exit code.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal: chooses text logs and progress output. */
  readonly isTTY: boolean;
}

/** Wrong words on the command line: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the command reports in one sentence: exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** A subcommand: takes the words after its name, returns the exit code. */
export type Command = (argv: string[], io: CliIo) => Promise<number>;
