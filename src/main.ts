/**
 * @module main
 * Entry of the compiled binary: pick the subcommand, run it, set the exit code.
 * Only this file calls process.exit.
 */
import { type CliIo, type Command, CliError, UsageError } from "./cli/io";

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./cli/serve")).serve,
  check: async () => (await import("./cli/check")).check,
  send: async () => (await import("./cli/send")).send,
  endpoints: async () => (await import("./cli/endpoints")).endpoints,
  deliveries: async () => (await import("./cli/deliveries")).deliveries,
  portal: async () => (await import("./cli/portal")).portal,
  receive: async () => (await import("./cli/receive")).receive,
  backup: async () => (await import("./cli/backup")).backup,
  storage: async () => (await import("./cli/storage-copy")).storage,
  version: async () => (await import("./cli/version")).version,
};

const USAGE = `usage: hookrelay <command> [options]

commands:
  serve       [--config PATH] [--log-level L] [--log-format json|text]
              run the daemon (default); SIGHUP or editing the config reloads it
  check       [--config PATH] [--connect]   validate the config; report backlogs of removed endpoints,
                                ids the endpoint API has taken, and the key file of stored secrets;
                                --connect: say whether the configured database answers
  send        TYPE [--data JSON|@FILE] [--endpoint ID]... [--id ID]
              post an event; prints its id
  endpoints   [list [--tenant T] [--source config|api] [--state S] [--limit N] [--cursor ID]
              | show ID | enable ID | disable ID | test ID]
  endpoints   create --url URL --event TYPE... [--id ID] [--tenant T] [--scheme S] [--header NAME]
              [--secret S] [--description TEXT] [--idempotency-key KEY]
              register an endpoint over the API; prints it and its secret, once
  endpoints   update ID [--url URL] [--event TYPE]... [--enabled true|false] [--description TEXT]
              [--scheme S] [--header NAME]
  endpoints   delete ID | rotate-secret ID [--grace 24h] [--secret S]
  portal      TENANT [--ttl 1h] [--read-only] | --revoke SESSION_ID
              open the dashboard for one tenant; prints the link
  deliveries  [list [--status S] [--endpoint ID] [--limit N] | show ID | retry ID
              | retry --status failed [--endpoint ID] [--since TIME]]
  receive     [--listen ADDR] [--secret S] [--scheme NAME] [--header NAME]
              a local receiver that verifies and prints each webhook
  backup      PATH [--force] [--config PATH]
              write a consistent copy of the database, while the daemon runs
  storage     copy --to postgres://… [--config PATH]
              copy the database, its daemon stopped, into an empty PostgreSQL database
  version     print the version

Every command takes --json. Commands that talk to the daemon find it through
--config (server.listen and the first token) or $HOOKRELAY_URL with
$HOOKRELAY_ADMIN_TOKEN ($HOOKRELAY_INGEST_TOKEN for send).
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
