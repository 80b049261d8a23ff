/**
 * @module main
 * Entry of the compiled binary: pick the subcommand, run it, set the exit code.
 * Only this file calls process.exit.
 */
import { type CliIo, type Command, CliError, UsageError } from "./cli/io";

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./cli/serve")).serve,
  check: async () => (await import("./cli/check")).check,
  version: async () => (await import("./cli/version")).version,
};

const USAGE = `usage: hookrelay <command> [options]

commands:
  serve       run the daemon (default)
  check       validate the config
  version     print the version
`;

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
  const first = argv[0];
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout(USAGE);
    return 0;
  }
  const name = first === undefined || first.startsWith("-") ? "serve" : first;
  const args = name === first ? argv.slice(1) : argv;
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`hookrelay: unknown command "${name}".\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`hookrelay ${name}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError) {
      io.stderr(`hookrelay ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
