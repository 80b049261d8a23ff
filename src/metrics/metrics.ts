/**
 * @module metrics/metrics
 * The one declared block of hookrelay's metrics (contract §7, names fixed in
 * §8). Counters move as things happen; backlog, age and endpoint state are
 * computed at each scrape from indexed counts, so they are never stale: the
 * counts are read first, then the text is rendered from them.
 *
 * Endpoints from the config file have series of their own; endpoints created
 * over the API are summed into series with `endpoint=""` (§9), so the series
 * count stays bounded however many customers add endpoints. Their own figures
 * are in `GET /v1/endpoints/:id/stats`.
 *
 * Each node serves its own counters. Its id is new at every start, so it is
 * not a label of every series (each restart would begin a new set of them
 * all) but of one: `hookrelay_node_info{node,hostname}`, joined on the
 * scrape's `instance` where a query needs it.
 */
import type { Clock } from "../clock";
import type { ResultLabel } from "../delivery/classify";
import type { BacklogCounts } from "../outbox/backlog";
import type { EndpointRegistry } from "../endpoints/registry";
import type { DeliveryObserver } from "../scheduler/record";
import type { BacklogStore } from "../storage/stores";
import { ComputedGauge, Counter, Gauge, Histogram, type LabelValues, Registry } from "./registry";

/** Attempt durations in seconds: a local receiver answers in milliseconds, the default timeout is 30s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsDeps {
  readonly endpoints: EndpointRegistry;
  readonly backlog: BacklogStore;
  readonly clock: Clock;
  readonly version: string;
  readonly node: { readonly id: string; readonly hostname: string };
  /** Whether this node holds the housekeeping lease now. */
  readonly housekeeper: () => boolean;
}

export interface Metrics {
  /** Feeds attempt and delivery counters from the scheduler. */
  readonly observer: DeliveryObserver;
  /** Counts events accepted from applications. */
  eventsIngested(count: number): void;
  /** Records whether the last config reload applied (1) or was refused (0). */
  configReloaded(ok: boolean): void;
  /** Counts one failed run of the housekeeping job `job` (its name, e.g. "retention"). */
  jobFailed(job: string): void;
  /** The Prometheus text exposition, computed now. */
  render(): Promise<string>;
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const r = new Registry();
  /** The counts read for the scrape being rendered. */
  let reported: readonly Reported[] = [];
  const ingested = r.add(new Counter("hookrelay_events_ingested_total", "Events accepted from applications.", []));
  const attempts = r.add(new Counter("hookrelay_attempts_total", "Delivery attempts by result.", ["endpoint", "result"]));
  const duration = r.add(
    new Histogram("hookrelay_attempt_duration_seconds", "Time from sending an attempt to its outcome.", ["endpoint"], DURATION_BUCKETS),
  );
  const finished = r.add(
    new Counter("hookrelay_deliveries_total", "Deliveries that reached a final state: delivered, or failed (dead-lettered).", ["endpoint", "outcome"]),
  );
  r.add(
    new ComputedGauge("hookrelay_backlog", "Deliveries per endpoint waiting (pending), held, or dead (failed).", ["endpoint", "status"], () =>
      backlogSeries(reported),
    ),
  );
  r.add(
    new ComputedGauge(
      "hookrelay_oldest_pending_age_seconds",
      "Age of the endpoint's oldest delivery still on its way (0 when none).",
      ["endpoint"],
      () => oldestSeries(reported, deps.clock.now()),
    ),
  );
  r.add(
    new ComputedGauge("hookrelay_endpoint_enabled", "1 when the endpoint is active, 0 when disabled or auto-disabled (config endpoints).", ["endpoint"], () =>
      configured(deps).map((e) => [[e.config.id], e.state.state === "active" ? 1 : 0] as const),
    ),
  );
  const reload = r.add(new Gauge("hookrelay_config_last_reload_successful", "1 when the last config reload applied, 0 when it was refused.", []));
  reload.set([], 1);
  r.add(new Gauge("hookrelay_build_info", "The running hookrelay version (always 1).", ["version"])).set([deps.version], 1);
  r.add(new Gauge("hookrelay_node_info", "This node's id (as GET /v1/nodes lists it) and host (always 1).", ["node", "hostname"])).set([deps.node.id, deps.node.hostname], 1);
  r.add(
    new ComputedGauge("hookrelay_node_housekeeper", "1 while this node holds the housekeeping lease (it runs retention), else 0.", [], () => [[[], deps.housekeeper() ? 1 : 0]]),
  );
  const jobErrors = r.add(new Counter("hookrelay_job_errors_total", "Failed runs of housekeeping jobs.", ["job"]));

  const label = (endpointId: string) =>
    deps.endpoints.get(endpointId)?.source === "api" || deps.endpoints.isDeleted(endpointId) ? API_ENDPOINTS : endpointId;
  return {
    observer: {
      attempt: (endpointId: string, result: ResultLabel, seconds: number) => {
        const l = label(endpointId);
        attempts.inc([l, result]);
        duration.observe([l], seconds);
      },
      finished: (endpointId, outcome) => finished.inc([label(endpointId), outcome]),
    },
    eventsIngested: (count) => ingested.inc([], count),
    configReloaded: (ok) => reload.set([], ok ? 1 : 0),
    jobFailed: (job) => jobErrors.inc([job]),
    render: async () => {
      reported = await reportedEndpoints(deps);
      return r.render();
    },
  };
}

/** The label of the one series every endpoint created over the API is summed into. */
export const API_ENDPOINTS = "";

function configured(deps: MetricsDeps) {
  return [...deps.endpoints.all()].filter((e) => e.source === "config");
}

/**
 * Config endpoints, then removed ones only while they still hold deliveries
 * (so old ids fade out), then the API endpoints' sum, live and deleted ones
 * together: every endpoint's totals less the ones counted by name.
 */
interface Reported {
  readonly id: string;
  readonly counts: BacklogCounts;
  /** When its oldest delivery on its way was created; undefined for the API endpoints' sum. */
  readonly oldestSince: number | null | undefined;
}

async function reportedEndpoints(deps: MetricsDeps): Promise<Reported[]> {
  const reported: Reported[] = [];
  const named: BacklogCounts[] = [];
  for (const e of configured(deps)) {
    const counts = await deps.backlog.counts(e.config.id);
    named.push(counts);
    reported.push({ id: e.config.id, counts, oldestSince: await deps.backlog.oldestWaitingSince(e.config.id) });
  }
  for (const id of deps.endpoints.removedIds()) {
    const counts = await deps.backlog.counts(id);
    named.push(counts);
    if (counts.pending + counts.held + counts.failed + counts.inFlight > 0) reported.push({ id, counts, oldestSince: await deps.backlog.oldestWaitingSince(id) });
  }
  // Deleted API endpoints keep their failed deliveries until retention, as removed config endpoints do.
  if (deps.endpoints.count("api") === 0 && deps.endpoints.deletedCount() === 0) return reported;
  const totals = await deps.backlog.totals();
  const less = (key: "pending" | "held" | "failed") => totals[key] - named.reduce((sum, c) => sum + c[key], 0);
  reported.push({ id: API_ENDPOINTS, counts: { pending: less("pending"), held: less("held"), failed: less("failed"), inFlight: 0 }, oldestSince: undefined });
  return reported;
}

function* backlogSeries(reported: readonly Reported[]): Iterable<readonly [LabelValues, number]> {
  for (const { id, counts } of reported) {
    yield [[id, "pending"], counts.pending];
    yield [[id, "held"], counts.held];
    yield [[id, "failed"], counts.failed];
  }
}

/** Per config endpoint: an age over many endpoints has no index to come from, and each API endpoint's is in its stats. */
function* oldestSeries(reported: readonly Reported[], now: number): Iterable<readonly [LabelValues, number]> {
  for (const { id, oldestSince } of reported) {
    if (oldestSince === undefined) continue;
    yield [[id], oldestSince === null ? 0 : Math.max(0, (now - oldestSince) / 1000)];
  }
}
