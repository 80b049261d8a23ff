/**
 * @module ui/pages/endpoint
 * One endpoint: its settings (never a secret), why it is disabled, success
 * rate and latency over a window, the next scheduled attempts, recent
 * deliveries, and enable / disable / send a test event; for endpoints created
 * over the API also edit, rotate the secret and delete. Each action is
 * offered only to a session that may take it (lib/rights.ts).
 */
import { useState } from "preact/hooks";
import { type Action, Actions } from "../components/actions";
import { ErrorBox, Facts, Loading, Status, Tile, Time } from "../components/bits";
import { DeliveryTable } from "../components/delivery-table";
import { EndpointControls } from "../components/endpoint-controls";
import { LatencyLines, OutcomeBars, SuccessRateLine } from "../components/outcome-charts";
import { seg, withQuery } from "../lib/api";
import { count, duration, percent, relative } from "../lib/format";
import { href, navigate } from "../lib/router";
import { mayManage, maySwitch, mayTest, type Rights, useRights } from "../lib/rights";
import type { Delivery, Endpoint, Page, Stats, StatsWindow } from "../lib/types";
import { useApi } from "../lib/use-api";

const WINDOWS: readonly StatsWindow[] = ["1h", "24h", "7d"];
/** Pending deliveries read to find the soonest attempts. */
const UPCOMING_READ = 200;
const UPCOMING_SHOWN = 10;

/** What this session may do to the endpoint; removed ones can only be looked at. */
function endpointActions(e: Endpoint, rights: Rights): Action[] {
  const base = `/v1/endpoints/${seg(e.id)}`;
  const out: Action[] = [];
  if (maySwitch(rights, e)) {
    out.push(
      e.state === "active"
        ? { label: "Disable", method: "POST", path: `${base}/disable`, confirm: `Disable ${e.id}? Its new and pending deliveries will be held.`, done: () => "Disabled: deliveries are held." }
        : { label: "Enable", method: "POST", path: `${base}/enable`, done: () => "Enabled: held deliveries go out now." },
    );
  }
  if (mayTest(rights, e)) out.push({ label: "Send test event", method: "POST", path: `${base}/test`, done: (a: { delivery_id: string }) => `Test event sent as ${a.delivery_id}.` });
  return out;
}

/** Where the endpoint's settings come from, and where to change them. */
function SourceNote({ e }: { e: Endpoint }) {
  if (e.source === "api") return null;
  return (
    <p class="note" role="note">
      {e.state === "removed"
        ? "This endpoint is no longer in the config file; its deliveries are kept until it returns."
        : "This endpoint comes from the config file: its settings are changed there, so it cannot be edited, rotated or deleted here."}
    </p>
  );
}

export function EndpointPage({ id, query }: { id: string; query: URLSearchParams }) {
  const window = (WINDOWS as readonly string[]).includes(query.get("window") ?? "") ? (query.get("window") as StatsWindow) : "24h";
  const rights = useRights();
  const [deleted, setDeleted] = useState(false);
  // A deleted endpoint is asked about no more.
  const read = (path: string) => (deleted ? null : path);
  const endpoint = useApi<Endpoint>(read(`/v1/endpoints/${seg(id)}`), 10_000);
  const stats = useApi<Stats>(read(`/v1/endpoints/${seg(id)}/stats?window=${window}`), 10_000);
  const pending = useApi<Page<Delivery>>(read(withQuery("/v1/deliveries", { endpoint: id, status: "pending", limit: String(UPCOMING_READ) })), 10_000);
  const recent = useApi<Page<Delivery>>(read(withQuery("/v1/deliveries", { endpoint: id, limit: "10" })), 10_000);
  const e = endpoint.data;
  if (deleted) {
    return (
      <p role="status">
        Deleted {id}: its pending and held deliveries were cancelled; its history stays until retention. <a href={href("/endpoints")}>All endpoints</a>
      </p>
    );
  }
  if (!e) return endpoint.error ? <ErrorBox error={endpoint.error} /> : <Loading what="the endpoint" />;
  const reload = () => {
    endpoint.reload();
    pending.reload();
    recent.reload();
  };
  const upcoming = [...(pending.data?.items ?? [])]
    .filter((d) => d.next_attempt_at)
    .sort((a, b) => Date.parse(a.next_attempt_at!) - Date.parse(b.next_attempt_at!))
    .slice(0, UPCOMING_SHOWN);
  return (
    <>
      <h1>
        {e.id} <Status value={e.state} />
      </h1>
      {e.disabled_reason ? (
        <p class="warning" role="status">
          Disabled: {e.disabled_reason}
        </p>
      ) : null}
      {e.description ? <p class="lead">{e.description}</p> : null}
      <SourceNote e={e} />
      <Actions actions={endpointActions(e, rights)} onDone={reload} />
      {mayManage(rights, e) ? <EndpointControls endpoint={e} onChanged={reload} onDeleted={() => setDeleted(true)} /> : null}
      <section class="columns">
        <div>
          <h2>Settings</h2>
          <Facts
            rows={[
              ["URL", e.url ? <span class="mono">{e.url}</span> : "removed from the config"],
              ["Source", e.source === "api" ? "created over the API" : "the config file"],
              ...(rights.admin ? ([["Tenant", e.tenant]] as [string, string | null][]) : []),
              ["Events", e.events.join(", ")],
              ["Signature", e.signature ? `${e.signature.scheme}${e.signature.header ? ` (${e.signature.header})` : ""}` : null],
              ["Timeout", e.timeout_ms === null ? null : duration(e.timeout_ms)],
              ["Retry timetable", e.retry ? e.retry.delays_ms.map(duration).join(", ") : null],
              ["Ordering", e.ordering],
              ["Consecutive failures", count(e.consecutive_failures)],
              ["Failing since", e.failing_since ? <Time iso={e.failing_since} /> : null],
              ["Last success", <Time iso={e.last_success_at} />],
              ["Metadata", e.metadata && Object.keys(e.metadata).length > 0 ? <Metadata values={e.metadata} /> : null],
              ["Created", e.created_at ? <Time iso={e.created_at} /> : null],
              ["Updated", e.updated_at ? <Time iso={e.updated_at} /> : null],
            ]}
          />
        </div>
        <div>
          <h2>Backlog</h2>
          <section class="tiles">
            <Tile label="pending" value={<a href={href("/deliveries", { endpoint: e.id, status: "pending" })}>{count(e.backlog.pending + e.backlog.in_flight)}</a>} />
            <Tile label="held" value={<a href={href("/deliveries", { endpoint: e.id, status: "held" })}>{count(e.backlog.held)}</a>} />
            <Tile label="failed" value={<a href={href("/deliveries", { endpoint: e.id, status: "failed" })}>{count(e.backlog.failed)}</a>} />
          </section>
        </div>
      </section>
      <h2>
        Over the last{" "}
        <select aria-label="Window" value={window} onChange={(ev) => navigate(href(`/endpoints/${seg(id)}`, { window: ev.currentTarget.value }), true)}>
          {WINDOWS.map((w) => (
            <option value={w}>{w}</option>
          ))}
        </select>
      </h2>
      <ErrorBox error={stats.error} />
      {stats.data ? (
        <>
          <section class="tiles">
            <Tile label="success rate" value={percent(stats.data.success_rate)} note={`${count(stats.data.attempts)} attempts`} />
            <Tile label="latency p50" value={duration(stats.data.latency_ms.p50)} />
            <Tile label="latency p95" value={duration(stats.data.latency_ms.p95)} />
            <Tile label="latency p99" value={duration(stats.data.latency_ms.p99)} />
          </section>
          <section class="charts">
            <SuccessRateLine stats={stats.data} />
            <LatencyLines stats={stats.data} />
            <OutcomeBars stats={stats.data} title="Attempts by outcome" />
          </section>
        </>
      ) : null}
      <h2>Next scheduled attempts</h2>
      {upcoming.length === 0 ? (
        <p class="muted">Nothing is waiting for a retry.</p>
      ) : (
        <ul class="upcoming">
          {upcoming.map((d) => (
            <li>
              <a href={href(`/deliveries/${seg(d.id)}`)}>{d.id}</a> <span class="mono">{d.event_type}</span> — attempt {d.attempts + 1} {relative(d.next_attempt_at)}
            </li>
          ))}
        </ul>
      )}
      <h2>
        Recent deliveries <a class="small" href={href("/deliveries", { endpoint: e.id })}>all</a>
      </h2>
      {recent.data ? <DeliveryTable items={recent.data.items} showEndpoint={false} /> : <Loading what="deliveries" />}
    </>
  );
}

function Metadata({ values }: { values: Record<string, string> }) {
  return (
    <ul class="plain">
      {Object.entries(values).map(([k, v]) => (
        <li>
          <span class="mono">{k}</span>: {v}
        </li>
      ))}
    </ul>
  );
}
