/**
 * @module admin/endpoint-view
 * The Endpoint shape of contract §8 for configured and removed endpoints:
 * settings from the live config, state from the registry, counts from the
 * outbox. Secrets are never part of it, not even masked.
 */
import type { Backlog } from "../outbox/backlog";
import type { EndpointState } from "../outbox/types";
import type { Endpoints } from "../scheduler/endpoints";
import { isoOrNull } from "./render";
import type { EndpointJson } from "./shapes";

export interface EndpointViewDeps {
  readonly endpoints: Endpoints;
  readonly backlog: Backlog;
}

/** The endpoint with this id, configured or removed (any id ever seen); null when unknown. */
export function viewEndpoint(deps: EndpointViewDeps, id: string): EndpointJson | null {
  const live = deps.endpoints.get(id);
  const counts = deps.backlog.counts(id);
  const backlog = { pending: counts.pending, held: counts.held, failed: counts.failed, in_flight: counts.inFlight };
  if (live) {
    const c = live.prepared.config;
    return {
      ...stateFields(id, live.state.state, live.state),
      url: c.url,
      events: [...c.events],
      backlog,
      signature: { scheme: c.signature.scheme, header: c.signature.header },
      timeout_ms: c.timeoutMs,
      retry: { delays_ms: [...c.retry.delaysMs], max_age_ms: c.retry.maxAgeMs },
      ordering: c.ordering,
    };
  }
  const stored = deps.endpoints.storedState(id);
  if (!stored) return null;
  return { ...stateFields(id, "removed", stored), url: null, events: [], backlog, signature: null, timeout_ms: null, retry: null, ordering: null };
}

/**
 * Every configured endpoint in config order, then removed ones that still
 * have deliveries waiting (pending, held or in flight).
 */
export function listEndpoints(deps: EndpointViewDeps): EndpointJson[] {
  const out: EndpointJson[] = [];
  for (const live of deps.endpoints.all()) out.push(viewEndpoint(deps, live.prepared.config.id)!);
  for (const id of deps.endpoints.removedIds()) {
    const view = viewEndpoint(deps, id)!;
    if (view.backlog.pending + view.backlog.held + view.backlog.in_flight > 0) out.push(view);
  }
  return out;
}

function stateFields(id: string, state: EndpointJson["state"], s: EndpointState) {
  return {
    id,
    state,
    consecutive_failures: s.consecutiveFailures,
    failing_since: isoOrNull(s.failingSince),
    last_success_at: isoOrNull(s.lastSuccessAt),
    disabled_reason: s.disabledReason,
  };
}
