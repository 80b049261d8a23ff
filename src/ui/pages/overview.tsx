/**
 * @module ui/pages/overview
 * The relay at a glance: attempts per bucket by outcome over the last hour
 * and day, success rate, backlog, age of the oldest waiting delivery, and
 * endpoints by state. An admin sees the whole relay or, with `?tenant=`, one
 * tenant (`GET /v1/stats?tenant=`); a tenant sees its own endpoints' figures
 * added up, as it may read each endpoint's stats but not the relay's.
 */
import { ErrorBox, Loading, Tile } from "../components/bits";
import { OutcomeBars } from "../components/outcome-charts";
import { api, seg, withQuery } from "../lib/api";
import { age, count, percent, plural } from "../lib/format";
import { href, navigate, withParams } from "../lib/router";
import { type Rights, useRights } from "../lib/rights";
import { sumStats } from "../lib/stats-sum";
import { ENDPOINT_STATES, type Endpoint, type Page, type Stats, type StatsWindow } from "../lib/types";
import { type Loaded, useApi, useLoad } from "../lib/use-api";

const REFRESH_MS = 10_000;
/** A tenant's overview asks once per endpoint: less often, and for this many endpoints at most. */
const TENANT_REFRESH_MS = 30_000;
const TENANT_ENDPOINTS = 100;
/** Endpoints counted per state; past it the count shows as "100+". */
const STATE_COUNT_LIMIT = 100;

interface Figures {
  readonly stats: Stats;
  /** True when the tenant has more endpoints than were added up. */
  readonly partial: boolean;
}

function useFigures(window: StatsWindow, tenant: string | null, rights: Rights): Loaded<Figures> {
  const relay = useApi<Stats>(rights.admin ? withQuery("/v1/stats", { window, tenant }) : null, REFRESH_MS);
  const own = useLoad<Figures>(
    rights.admin ? null : `tenant-stats:${window}`,
    async () => {
      const list = await api<Page<Endpoint>>("GET", withQuery("/v1/endpoints", { limit: String(TENANT_ENDPOINTS) }));
      const parts = await Promise.all(list.items.map((e) => api<Stats>("GET", `/v1/endpoints/${seg(e.id)}/stats?window=${window}`)));
      return { stats: sumStats(window, parts), partial: list.next_cursor !== null };
    },
    TENANT_REFRESH_MS,
  );
  if (!rights.admin) return own;
  return { ...relay, data: relay.data ? { stats: relay.data, partial: false } : null };
}

export function Overview({ query }: { query: URLSearchParams }) {
  const rights = useRights();
  const tenant = rights.admin ? query.get("tenant") : null;
  const hour = useFigures("1h", tenant, rights);
  const day = useFigures("24h", tenant, rights);
  const s = day.data?.stats;
  const deliveries = (q: Record<string, string>) => href("/deliveries", tenant ? { ...q, tenant } : q);
  return (
    <>
      <h1>Overview{tenant ? <span class="muted small">tenant {tenant}</span> : null}</h1>
      {rights.admin ? (
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            const value = String(new FormData(e.currentTarget).get("tenant") ?? "").trim();
            navigate(href("/", withParams(query, { tenant: value })));
          }}
        >
          <input name="tenant" placeholder="all tenants" aria-label="Tenant" value={tenant ?? ""} key={tenant ?? ""} />
          <button type="submit">Show</button>
        </form>
      ) : null}
      <ErrorBox error={hour.error ?? day.error} />
      {day.data?.partial ? <p class="muted small">Figures of the first {TENANT_ENDPOINTS} endpoints.</p> : null}
      {s ? (
        <section class="tiles">
          <Tile label="success rate, 24 h" value={percent(s.success_rate)} note={plural(s.attempts, "attempt")} />
          <Tile label="delivered, 24 h" value={count(s.delivered)} />
          <Tile label="failed for good, 24 h" value={<a href={deliveries({ status: "failed", since: "24h" })}>{count(s.failed)}</a>} />
          <Tile label="pending" value={<a href={deliveries({ status: "pending" })}>{count(s.backlog.pending + s.backlog.in_flight)}</a>} />
          <Tile label="held" value={<a href={deliveries({ status: "held" })}>{count(s.backlog.held)}</a>} />
          <Tile label="oldest pending" value={age(s.oldest_pending_at)} />
        </section>
      ) : (
        <Loading what="stats" />
      )}
      <EndpointStates tenant={tenant} rights={rights} />
      <section class="charts">
        {hour.data ? <OutcomeBars stats={hour.data.stats} title="Attempts per minute, last hour" /> : null}
        {s ? <OutcomeBars stats={s} title="Attempts per 5 minutes, last 24 hours" /> : null}
      </section>
    </>
  );
}

/** How many endpoints are in each state: one bounded listing per state. */
function EndpointStates({ tenant, rights }: { tenant: string | null; rights: Rights }) {
  // Removed endpoints have no tenant any more: only the admin's whole-relay view has them.
  const states = ENDPOINT_STATES.filter((s) => s !== "removed" || (rights.admin && tenant === null));
  const counts = useLoad(
    `states:${tenant ?? ""}`,
    () =>
      Promise.all(
        states.map(async (state) => {
          const page = await api<Page<Endpoint>>("GET", withQuery("/v1/endpoints", { state, tenant, limit: String(STATE_COUNT_LIMIT) }));
          return [state, page.next_cursor === null ? count(page.items.length) : `${STATE_COUNT_LIMIT}+`] as const;
        }),
      ),
    REFRESH_MS,
  );
  if (!counts.data) return <ErrorBox error={counts.error} />;
  return (
    <section class="states">
      <h2>Endpoints by state</h2>
      <ul class="inline">
        {counts.data.map(([state, n]) => (
          <li>
            <a href={href("/endpoints", tenant ? { state, tenant } : { state })}>
              <span class={`status s-${state}`}>{state.replace("_", " ")}</span> {n}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
