/**
 * @module cli/endpoints
 * `hookrelay endpoints [list | show ID | enable ID | disable ID | test ID]`:
 * the endpoints' state and backlog as the daemon sees them, and the operator's
 * switches. `list` is the default.
 */
import { parseArgs } from "node:util";
import type { EndpointView, Listing, TestSent } from "./api-types";
import { CLIENT_OPTIONS, expectPositionals, parseOrUsage } from "./args";
import { type AdminClient, createClient, segment } from "./client";
import { type CliIo, type Command, UsageError } from "./io";
import { printFields, printJson, printTable } from "./output";
import { resolveTarget } from "./target";

const USAGE = "hookrelay endpoints [list | show ID | enable ID | disable ID | test ID] [--json]";

type Action = (client: AdminClient, id: string | undefined, io: CliIo, json: boolean) => Promise<void>;

const ACTIONS: Record<string, { readonly needsId: boolean; readonly run: Action }> = {
  list: { needsId: false, run: list },
  show: { needsId: true, run: show },
  enable: { needsId: true, run: (c, id, io, json) => toggle(c, id!, "enable", io, json) },
  disable: { needsId: true, run: (c, id, io, json) => toggle(c, id!, "disable", io, json) },
  test: { needsId: true, run: test },
};

export const endpoints: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() => parseArgs({ args: argv, options: CLIENT_OPTIONS, allowPositionals: true }));
  const [name = "list", ...rest] = positionals;
  const action = ACTIONS[name];
  if (!action) throw new UsageError(`unknown action "${name}"; usage: ${USAGE}`);
  expectPositionals(rest, action.needsId ? 1 : 0, USAGE);
  const client = createClient(resolveTarget(values.config, "admin", io));
  await action.run(client, rest[0], io, values.json === true);
  return 0;
};

async function list(client: AdminClient, _id: string | undefined, io: CliIo, json: boolean): Promise<void> {
  const listing = await client.get<Listing<EndpointView>>("/v1/endpoints");
  if (json) return printJson(io, listing);
  printTable(io, listing.items, [
    { heading: "ID", cell: (e) => e.id },
    { heading: "STATE", cell: (e) => e.state },
    { heading: "FAILURES", cell: (e) => e.consecutive_failures },
    { heading: "PENDING", cell: (e) => e.backlog.pending },
    { heading: "HELD", cell: (e) => e.backlog.held },
    { heading: "FAILED", cell: (e) => e.backlog.failed },
    { heading: "URL", cell: (e) => e.url },
  ]);
}

async function show(client: AdminClient, id: string | undefined, io: CliIo, json: boolean): Promise<void> {
  const endpoint = await client.get<EndpointView & Record<string, unknown>>(`/v1/endpoints/${segment(id!)}`);
  if (json) return printJson(io, endpoint);
  printFields(io, endpoint);
}

async function toggle(client: AdminClient, id: string, verb: "enable" | "disable", io: CliIo, json: boolean): Promise<void> {
  const answer = await client.post<Partial<EndpointView>>(`/v1/endpoints/${segment(id)}/${verb}`);
  if (json) return printJson(io, answer);
  io.stdout(`${id} ${answer.state ?? `${verb}d`}\n`);
}

async function test(client: AdminClient, id: string | undefined, io: CliIo, json: boolean): Promise<void> {
  const sent = await client.post<TestSent>(`/v1/endpoints/${segment(id!)}/test`);
  if (json) return printJson(io, sent);
  io.stdout(`${sent.delivery_id}\n`);
  io.stderr(`sent a webhook.test event to ${id}; follow it with: hookrelay deliveries show ${sent.delivery_id}\n`);
}
