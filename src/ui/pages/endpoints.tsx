/**
 * @module ui/pages/endpoints
 * Endpoints by id, a page at a time (the API's `next_cursor`), with state,
 * backlog and the day's success rate. Tenant (admins only: a tenant sees its
 * own), state and source filter on the server; the search box narrows the
 * page shown by id, URL or description. Everything is kept in the URL.
 */
import { ErrorBox, Loading, Status, Time } from "../components/bits";
import { Pager } from "../components/pager";
import { seg, withQuery } from "../lib/api";
import { count, percent } from "../lib/format";
import { href, navigate, withParams } from "../lib/router";
import { useRights } from "../lib/rights";
import { ENDPOINT_SOURCES, ENDPOINT_STATES, type Endpoint, type Page, type Stats } from "../lib/types";
import { useApi } from "../lib/use-api";

const PAGE_SIZE = "50";

export function Endpoints({ query }: { query: URLSearchParams }) {
  const rights = useRights();
  const filter = { tenant: rights.admin ? query.get("tenant") : null, state: query.get("state"), source: query.get("source"), cursor: query.get("cursor") };
  const list = useApi<Page<Endpoint>>(withQuery("/v1/endpoints", { ...filter, limit: PAGE_SIZE }), 10_000);
  const q = query.get("q") ?? "";
  // A change of filter starts again from the first page; typing in the search box keeps the history entry.
  const set = (key: string, value: string) => navigate(href("/endpoints", withParams(query, { [key]: value, ...(key === "q" ? {} : { cursor: undefined }) })), key === "q");
  const needle = q.toLowerCase();
  const shown = (list.data?.items ?? []).filter((e) => !needle || [e.id, e.url ?? "", e.description ?? ""].some((s) => s.toLowerCase().includes(needle)));
  return (
    <>
      <h1>
        Endpoints
        {rights.write ? (
          <a class="button primary" href={href("/new-endpoint", filter.tenant ? { tenant: filter.tenant } : undefined)}>
            New endpoint
          </a>
        ) : null}
      </h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (rights.admin) set("tenant", String(new FormData(e.currentTarget).get("tenant") ?? "").trim());
        }}
      >
        <input type="search" name="q" placeholder="Search this page" value={q} onInput={(e) => set("q", e.currentTarget.value)} aria-label="Search" />
        {rights.admin ? <input name="tenant" placeholder="tenant" aria-label="Tenant" value={filter.tenant ?? ""} key={filter.tenant ?? ""} onChange={(e) => set("tenant", e.currentTarget.value.trim())} /> : null}
        <select name="state" value={filter.state ?? ""} onChange={(e) => set("state", e.currentTarget.value)} aria-label="State">
          <option value="">any state</option>
          {ENDPOINT_STATES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <select name="source" value={filter.source ?? ""} onChange={(e) => set("source", e.currentTarget.value)} aria-label="Source">
          <option value="">any source</option>
          {ENDPOINT_SOURCES.map((s) => (
            <option value={s}>{s === "api" ? "created over the API" : "the config file"}</option>
          ))}
        </select>
      </form>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading what="endpoints" />
      ) : (
        <table class="endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Source</th>
              {rights.admin ? <th>Tenant</th> : null}
              <th>State</th>
              <th class="num">Pending</th>
              <th class="num">Held</th>
              <th class="num">Failed</th>
              <th class="num">Success, 24 h</th>
              <th>Last success</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <EndpointRow key={e.id} endpoint={e} tenantColumn={rights.admin} />
            ))}
          </tbody>
        </table>
      )}
      {list.data && shown.length === 0 ? <p class="muted">No endpoint matches.</p> : null}
      <Pager path="/endpoints" query={query} next={list.data?.next_cursor ?? null} first="First page" later="Next page" />
    </>
  );
}

function EndpointRow({ endpoint: e, tenantColumn }: { endpoint: Endpoint; tenantColumn: boolean }) {
  const stats = useApi<Stats>(`/v1/endpoints/${seg(e.id)}/stats?window=24h`);
  return (
    <tr data-id={e.id}>
      <td>
        <a href={href(`/endpoints/${seg(e.id)}`)}>{e.id}</a>
        {e.description ? <div class="small">{e.description}</div> : null}
        <div class="muted small">{e.url ?? "removed from the config"}</div>
      </td>
      <td>
        <span class={`source src-${e.source}`}>{e.source === "api" ? "API" : "config"}</span>
      </td>
      {tenantColumn ? <td class="mono">{e.tenant ?? <span class="muted">—</span>}</td> : null}
      <td>
        <Status value={e.state} />
      </td>
      <td class="num">{count(e.backlog.pending + e.backlog.in_flight)}</td>
      <td class="num">{count(e.backlog.held)}</td>
      <td class="num">{count(e.backlog.failed)}</td>
      <td class="num">{stats.data ? percent(stats.data.success_rate) : "…"}</td>
      <td>
        <Time iso={e.last_success_at} />
      </td>
    </tr>
  );
}
