/**
 * @module ui/pages/overview
 * The relay at a glance: attempts per bucket by outcome over the last hour
 * and day, success rate, backlog, age of the oldest waiting delivery, and
 * endpoints by state. Refreshed every 10 s.
 */
import { ErrorBox, Loading, Tile } from "../components/bits";
import { OutcomeBars } from "../components/outcome-charts";
import { age, count, percent } from "../lib/format";
import { href } from "../lib/router";
import { ENDPOINT_STATES, type Endpoint, type Page, type Stats } from "../lib/types";
import { useApi } from "../lib/use-api";

const REFRESH_MS = 10_000;

export function Overview() {
  const hour = useApi<Stats>("/v1/stats?window=1h", REFRESH_MS);
  const day = useApi<Stats>("/v1/stats?window=24h", REFRESH_MS);
  const endpoints = useApi<Page<Endpoint>>("/v1/endpoints", REFRESH_MS);
  const s = day.data;
  return (
    <>
      <h1>Overview</h1>
      <ErrorBox error={hour.error ?? day.error ?? endpoints.error} />
      {s ? (
        <section class="tiles">
          <Tile label="success rate, 24 h" value={percent(s.success_rate)} note={`${count(s.attempts)} attempts`} />
          <Tile label="delivered, 24 h" value={count(s.delivered)} />
          <Tile label="failed for good, 24 h" value={<a href={href("/deliveries", { status: "failed", since: "24h" })}>{count(s.failed)}</a>} />
          <Tile label="pending" value={<a href={href("/deliveries", { status: "pending" })}>{count(s.backlog.pending + s.backlog.in_flight)}</a>} />
          <Tile label="held" value={<a href={href("/deliveries", { status: "held" })}>{count(s.backlog.held)}</a>} />
          <Tile label="oldest pending" value={age(s.oldest_pending_at)} />
        </section>
      ) : (
        <Loading what="stats" />
      )}
      {endpoints.data ? <EndpointStates endpoints={endpoints.data.items} /> : null}
      <section class="charts">
        {hour.data ? <OutcomeBars stats={hour.data} title="Attempts per minute, last hour" /> : null}
        {s ? <OutcomeBars stats={s} title="Attempts per 5 minutes, last 24 hours" /> : null}
      </section>
    </>
  );
}

function EndpointStates({ endpoints }: { endpoints: readonly Endpoint[] }) {
  return (
    <section class="states">
      <h2>Endpoints by state</h2>
      <ul class="inline">
        {ENDPOINT_STATES.map((state) => (
          <li>
            <a href={href("/endpoints", { state })}>
              <span class={`status s-${state}`}>{state.replace("_", " ")}</span> {count(endpoints.filter((e) => e.state === state).length)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
