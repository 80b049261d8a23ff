/**
 * @module cli/deliveries
 * `hookrelay deliveries [list [--status S] [--endpoint ID] [--limit N] | show ID
 * | retry ID | retry --status S [--endpoint ID] [--since TIME]]`. `list` is the
 * default; `show` prints every attempt and when each remaining one will fire.
 */
import { parseArgs } from "node:util";
import type { DeliveryDetail, DeliveryFilter, DeliveryView, Listing } from "./api-types";
import { CLIENT_OPTIONS, limitFlag, oneOfFlag, parseOrUsage } from "./args";
import { type AdminClient, createClient, segment } from "./client";
import { retryMany, retryOne } from "./deliveries-retry";
import { type CliIo, type Command, UsageError } from "./io";
import { printFields, printJson, printTable, text, withRelative } from "./output";
import { resolveTarget } from "./target";

const USAGE =
  "hookrelay deliveries [list [--status S] [--endpoint ID] [--limit N] | show ID | retry ID | retry --status failed [--endpoint ID] [--since TIME]] [--json]";

const STATUSES = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

export const deliveries: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: {
        ...CLIENT_OPTIONS,
        status: { type: "string" },
        endpoint: { type: "string" },
        "event-type": { type: "string" },
        since: { type: "string" },
        until: { type: "string" },
        limit: { type: "string" },
        cursor: { type: "string" },
      },
      allowPositionals: true,
    }),
  );
  const [action = "list", ...rest] = positionals;
  const status = oneOfFlag(values.status, STATUSES, "--status");
  const filter: DeliveryFilter = {
    ...(status === undefined ? {} : { status }),
    ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
    ...(values["event-type"] === undefined ? {} : { event_type: values["event-type"] }),
    ...(values.since === undefined ? {} : { since: values.since }),
    ...(values.until === undefined ? {} : { until: values.until }),
  };
  const json = values.json === true;
  const client = () => createClient(resolveTarget(values.config, "admin", io));
  if (action === "list" && rest.length === 0) {
    await list(client(), { ...filter, limit: limitFlag(values.limit), cursor: values.cursor }, io, json);
  } else if (action === "show" && rest.length === 1) {
    await show(client(), rest[0]!, io, json);
  } else if (action === "retry" && rest.length === 1) {
    await retryOne(client(), rest[0]!, io, json);
  } else if (action === "retry" && rest.length === 0) {
    if (filter.status === undefined) throw new UsageError("bulk retry needs --status (e.g. --status failed), or give one delivery id");
    await retryMany(client(), filter, io, json);
  } else {
    throw new UsageError(`usage: ${USAGE}`);
  }
  return 0;
};

async function list(
  client: AdminClient,
  query: DeliveryFilter & { readonly limit: string | undefined; readonly cursor: string | undefined },
  io: CliIo,
  json: boolean,
): Promise<void> {
  const listing = await client.get<Listing<DeliveryView>>("/v1/deliveries", { ...query });
  if (json) return printJson(io, listing);
  printTable(io, listing.items, [
    { heading: "ID", cell: (d) => d.id },
    { heading: "STATUS", cell: (d) => d.status },
    { heading: "ENDPOINT", cell: (d) => d.endpoint_id },
    { heading: "TYPE", cell: (d) => d.event_type },
    { heading: "ATTEMPTS", cell: (d) => d.attempts },
    { heading: "LAST", cell: (d) => d.last_status_code ?? d.last_error },
    { heading: "UPDATED", cell: (d) => d.updated_at },
  ]);
  if (listing.next_cursor !== null) io.stderr(`more deliveries: add --cursor ${listing.next_cursor}\n`);
}

async function show(client: AdminClient, id: string, io: CliIo, json: boolean): Promise<void> {
  const d = await client.get<DeliveryDetail>(`/v1/deliveries/${segment(id)}`);
  if (json) return printJson(io, d);
  const { attempt_log: attempts, upcoming, ...fields } = d;
  printFields(io, fields);
  io.stdout(`\nattempts (${attempts.length}):\n`);
  for (const a of attempts) {
    const outcome = a.status_code === null ? text(a.error) : `HTTP ${a.status_code}${a.error ? ` — ${a.error}` : ""}`;
    io.stdout(`  #${a.n}  ${a.started_at}  ${a.duration_ms} ms  ${outcome}\n`);
    if (a.response_excerpt) io.stdout(`      response: ${oneLine(a.response_excerpt)}\n`);
  }
  const now = Date.now();
  io.stdout(upcoming.length === 0 ? "\nno further attempts scheduled\n" : `\nremaining attempts (${upcoming.length}):\n`);
  upcoming.forEach((at, i) => io.stdout(`  #${attempts.length + i + 1}  ${withRelative(at, now)}\n`));
}

/** Response excerpts may span lines; one line keeps the attempt list readable. */
function oneLine(excerpt: string): string {
  const flat = excerpt.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
