/**
 * @module cli/endpoints
 * `hookrelay endpoints [list | show ID | enable ID | disable ID | test ID |
 * create … | update ID … | delete ID | rotate-secret ID …]`: picks the
 * action (`list` when none is named) and runs it. Each action parses its own
 * flags, so one that belongs to another action is a usage error; the
 * switches and the probe are here, the listing in endpoints-list.ts, the
 * changes to endpoints created over the API in endpoints-write.ts.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { EndpointView, TestSent } from "./api-types";
import { CLIENT_OPTIONS, parseAction, parseOrUsage } from "./args";
import { adminClient, segment } from "./client";
import { LIST } from "./endpoints-list";
import { CREATE, DELETE, ROTATE_SECRET, UPDATE } from "./endpoints-write";
import { type CliIo, type Command, UsageError } from "./io";
import { printFields, printJson } from "./output";

/** One action: its usage line, its own flags (besides --config and --json) and how it runs on the whole argv. */
export interface EndpointAction {
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  readonly run: (argv: string[], io: CliIo) => Promise<void>;
}

/** `show ID`, `enable ID`, `disable ID`, `test ID`: one id and the client flags. */
function withId(name: string, run: (id: string, io: CliIo, json: boolean, config: string | undefined) => Promise<void>): EndpointAction {
  const usage = `hookrelay endpoints ${name} ID [--json]`;
  return {
    usage,
    options: {},
    run: async (argv, io) => {
      const { values, ids: [id] } = parseAction(argv, {}, 1, usage);
      await run(id!, io, values.json === true, values.config);
    },
  };
}

const ACTIONS: Readonly<Record<string, EndpointAction>> = {
  list: LIST,
  show: withId("show", show),
  enable: withId("enable", (id, io, json, config) => toggle(id, "enable", io, json, config)),
  disable: withId("disable", (id, io, json, config) => toggle(id, "disable", io, json, config)),
  test: withId("test", test),
  create: CREATE,
  update: UPDATE,
  delete: DELETE,
  "rotate-secret": ROTATE_SECRET,
};

const USAGE = Object.values(ACTIONS).map((a) => a.usage).join("\n       ");

/** Every action's flags, to find the action's name wherever the flags stand. */
const ALL_OPTIONS = Object.assign({}, CLIENT_OPTIONS, ...Object.values(ACTIONS).map((a) => a.options)) as NonNullable<ParseArgsConfig["options"]>;

export const endpoints: Command = async (argv, io) => {
  const { positionals } = parseOrUsage(() => parseArgs({ args: argv, options: ALL_OPTIONS, allowPositionals: true }));
  const name = positionals[0] ?? "list";
  const action = ACTIONS[name];
  if (!action) throw new UsageError(`unknown action "${name}"; usage: ${USAGE}`);
  await action.run(positionals.length === 0 ? ["list", ...argv] : argv, io);
  return 0;
};

async function show(id: string, io: CliIo, json: boolean, config: string | undefined): Promise<void> {
  const endpoint = await adminClient(config, io).get<EndpointView & Record<string, unknown>>(`/v1/endpoints/${segment(id)}`);
  if (json) return printJson(io, endpoint);
  printFields(io, endpoint);
}

async function toggle(id: string, verb: "enable" | "disable", io: CliIo, json: boolean, config: string | undefined): Promise<void> {
  const answer = await adminClient(config, io).post<Partial<EndpointView>>(`/v1/endpoints/${segment(id)}/${verb}`);
  if (json) return printJson(io, answer);
  io.stdout(`${id} ${answer.state ?? `${verb}d`}\n`);
}

async function test(id: string, io: CliIo, json: boolean, config: string | undefined): Promise<void> {
  const sent = await adminClient(config, io).post<TestSent>(`/v1/endpoints/${segment(id)}/test`);
  if (json) return printJson(io, sent);
  io.stdout(`${sent.delivery_id}\n`);
  io.stderr(`sent a webhook.test event to ${id}; follow it with: hookrelay deliveries show ${sent.delivery_id}\n`);
}
