/**
 * @module cli/endpoints-list
 * `hookrelay endpoints list [--tenant T] [--source config|api] [--state S]
 * [--limit N] [--cursor ID]`: every endpoint in id order, the API's pages
 * walked one after the other, so the list is whole however many endpoints
 * there are. `--limit` asks for one page instead, and names on stderr the
 * cursor of the next, as `deliveries list` does.
 */
import type { EndpointView, Listing } from "./api-types";
import { limitFlag, MAX_PAGE, oneOfFlag, parseAction } from "./args";
import { type AdminClient, adminClient } from "./client";
import type { EndpointAction } from "./endpoints";
import type { CliIo } from "./io";
import { printJson, printTable } from "./output";

const USAGE = "hookrelay endpoints [list] [--tenant T] [--source config|api] [--state S] [--limit N] [--cursor ID] [--json]";

const OPTIONS = {
  tenant: { type: "string" },
  source: { type: "string" },
  state: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
} as const;

const SOURCES = ["config", "api"];
const STATES = ["active", "disabled", "auto_disabled", "removed"];


type Query = Readonly<Record<string, string | undefined>>;

export const LIST: EndpointAction = {
  usage: USAGE,
  options: OPTIONS,
  run: async (argv, io) => {
    const { values } = parseAction(argv, OPTIONS, 0, USAGE);
    const query: Query = {
      tenant: values.tenant,
      source: oneOfFlag(values.source, SOURCES, "--source"),
      state: oneOfFlag(values.state, STATES, "--state"),
      cursor: values.cursor,
    };
    const client = adminClient(values.config, io);
    const listing = values.limit === undefined ? await walk(client, query) : await client.get<Listing<EndpointView>>("/v1/endpoints", { ...query, limit: limitFlag(values.limit) });
    if (values.json) printJson(io, listing);
    else print(io, listing.items);
    if (!values.json && listing.next_cursor !== null) io.stderr(`more endpoints: add --cursor ${listing.next_cursor}\n`);
  },
};

/** Every page from `query.cursor` on, as one listing. */
async function walk(client: AdminClient, query: Query): Promise<Listing<EndpointView>> {
  const items: EndpointView[] = [];
  let cursor = query.cursor;
  do {
    const page: Listing<EndpointView> = await client.get<Listing<EndpointView>>("/v1/endpoints", { ...query, cursor, limit: String(MAX_PAGE) });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return { items, next_cursor: null };
}

function print(io: CliIo, items: readonly EndpointView[]): void {
  printTable(io, items, [
    { heading: "ID", cell: (e) => e.id },
    { heading: "SOURCE", cell: (e) => e.source },
    { heading: "TENANT", cell: (e) => e.tenant },
    { heading: "STATE", cell: (e) => e.state },
    { heading: "FAILURES", cell: (e) => e.consecutive_failures },
    { heading: "PENDING", cell: (e) => e.backlog.pending },
    { heading: "HELD", cell: (e) => e.backlog.held },
    { heading: "FAILED", cell: (e) => e.backlog.failed },
    { heading: "URL", cell: (e) => e.url },
  ]);
}
