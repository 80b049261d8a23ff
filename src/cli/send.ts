/**
 * @module cli/send
 * `hookrelay send TYPE [--data JSON|@FILE] [--endpoint ID]... [--id ID]`:
 * posts one event and prints its id. Uses an ingest token, else an admin token.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CLIENT_OPTIONS, expectPositionals, parseOrUsage } from "./args";
import { createClient } from "./client";
import { CliError, type Command, UsageError } from "./io";
import { deliveries, printJson } from "./output";
import { resolveTarget } from "./target";

const USAGE = "hookrelay send TYPE [--data JSON|@FILE] [--endpoint ID]... [--id ID]";

interface Accepted {
  readonly id: string;
  readonly deliveries?: number;
  readonly duplicate?: boolean;
}

export const send: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: {
        ...CLIENT_OPTIONS,
        data: { type: "string" },
        endpoint: { type: "string", multiple: true },
        id: { type: "string" },
      },
      allowPositionals: true,
    }),
  );
  expectPositionals(positionals, 1, USAGE);
  const rest = {
    type: positionals[0]!,
    ...(values.id === undefined ? {} : { id: values.id }),
    ...(values.endpoint === undefined ? {} : { endpoints: values.endpoint }),
  };
  // `data` goes as the text given: parsed and serialised again, integers past 2^53 and long decimals would change.
  const body = `${JSON.stringify(rest).slice(0, -1)},"data":${readData(values.data)}}`;
  const client = createClient(resolveTarget(values.config, "ingest", io));
  const answer = await client.postJson<Accepted>("/v1/events", body);
  if (values.json) {
    printJson(io, answer);
    return 0;
  }
  io.stdout(`${answer.id}\n`);
  io.stderr(answer.duplicate ? "already stored under this id; nothing new was created\n" : `queued ${deliveries(answer.deliveries ?? 0)}\n`);
  return 0;
};

/** The JSON text of `--data` as given, or the contents of `@FILE`; it must be a JSON object, as the API requires. */
function readData(option: string | undefined): string {
  if (option === undefined) return "{}";
  let text = option;
  if (option.startsWith("@")) {
    try {
      text = readFileSync(option.slice(1), "utf8");
    } catch (err) {
      throw new CliError(`cannot read ${option.slice(1)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--data is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UsageError("--data must be a JSON object, like '{\"key\": \"value\"}'");
  return text;
}
