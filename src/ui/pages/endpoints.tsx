/**
 * @module ui/pages/endpoints
 * Every endpoint with its state, backlog and success rate over the day;
 * search by id or URL and filter by state and source, all kept in the URL.
 */
import { ErrorBox, Loading, Status, Time } from "../components/bits";
import { count, percent } from "../lib/format";
import { href, navigate } from "../lib/router";
import { ENDPOINT_STATES, type Endpoint, type Page, type Stats } from "../lib/types";
import { useApi } from "../lib/use-api";
import { seg } from "../lib/api";

const SOURCES = ["config", "api"] as const;

/** Where an endpoint comes from; daemons without the endpoint API have config endpoints only. */
export const sourceOf = (e: Endpoint) => e.source ?? "config";

export function Endpoints({ query }: { query: URLSearchParams }) {
  const list = useApi<Page<Endpoint>>("/v1/endpoints", 10_000);
  const q = query.get("q") ?? "";
  const state = query.get("state") ?? "";
  const source = query.get("source") ?? "";
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(href("/endpoints", next), key === "q");
  };
  const needle = q.toLowerCase();
  const shown = (list.data?.items ?? []).filter(
    (e) => (!needle || e.id.toLowerCase().includes(needle) || (e.url ?? "").toLowerCase().includes(needle)) && (!state || e.state === state) && (!source || sourceOf(e) === source),
  );
  return (
    <>
      <h1>Endpoints</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <input type="search" name="q" placeholder="Search id or URL" value={q} onInput={(e) => set("q", e.currentTarget.value)} aria-label="Search" />
        <select name="state" value={state} onChange={(e) => set("state", e.currentTarget.value)} aria-label="State">
          <option value="">any state</option>
          {ENDPOINT_STATES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <select name="source" value={source} onChange={(e) => set("source", e.currentTarget.value)} aria-label="Source">
          <option value="">any source</option>
          {SOURCES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </form>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading what="endpoints" />
      ) : (
        <table>
          <thead>
            <tr>
              <th>Endpoint</th>
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
              <EndpointRow key={e.id} endpoint={e} />
            ))}
          </tbody>
        </table>
      )}
      {list.data && shown.length === 0 ? <p class="muted">No endpoint matches.</p> : null}
    </>
  );
}

function EndpointRow({ endpoint: e }: { endpoint: Endpoint }) {
  const stats = useApi<Stats>(`/v1/endpoints/${seg(e.id)}/stats?window=24h`);
  return (
    <tr>
      <td>
        <a href={href(`/endpoints/${seg(e.id)}`)}>{e.id}</a>
        <div class="muted small">{e.url ?? "removed from the config"}</div>
      </td>
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
