/**
 * @module admin/endpoint-view
 * The Endpoint shape of contract §8 and §9 for registered and removed
 * endpoints: settings and state from the registry; the backlog and the
 * failure counters from storage, which on a shared database has every
 * node's attempts counted where the registry has this node's last flush.
 * Secrets are never part of it, not even masked.
 */
import type { EndpointRegistry, RegisteredEndpoint } from "../endpoints/registry";
import type { EndpointState } from "../outbox/types";
import { inScope, type Scope } from "../scope";
import type { BacklogStore, EndpointCounters, EndpointStateStore } from "../storage/stores";
import { isoOrNull } from "./render";
import type { EndpointJson } from "./shapes";

export interface EndpointViewDeps {
  readonly endpoints: EndpointRegistry;
  readonly backlog: BacklogStore;
  readonly endpointStates: Pick<EndpointStateStore, "counters">;
}

type BacklogJson = EndpointJson["backlog"];

/** The backlog of an id never used before: a new endpoint's (ids are never reused). */
export const NO_BACKLOG: BacklogJson = { pending: 0, held: 0, failed: 0, in_flight: 0 };

/** The endpoint with this id in the caller's scope, registered or removed (any id ever seen); null when unknown. */
export async function viewEndpoint(deps: EndpointViewDeps, id: string, scope: Scope): Promise<EndpointJson | null> {
  const live = deps.endpoints.get(id);
  if (live) return inScope(scope, live.config.tenant) ? renderRegistered(deps, live) : null;
  const stored = deps.endpoints.storedState(id);
  // Removed from the config: its tenant is no longer known, so only admins see it.
  if (!stored || deps.endpoints.isDeleted(id) || scope.kind !== "all") return null;
  return {
    ...stateFields(id, "removed", stored, await deps.endpointStates.counters(id)),
    source: "config",
    tenant: null,
    description: null,
    metadata: null,
    url: null,
    events: [],
    backlog: await backlogOf(deps, id),
    signature: null,
    timeout_ms: null,
    retry: null,
    ordering: null,
    created_at: null,
    updated_at: null,
  };
}

/** The §8 Endpoint of a registered endpoint, with its backlog and failure counters as they are now. */
export async function renderRegistered(deps: EndpointViewDeps, live: RegisteredEndpoint): Promise<EndpointJson> {
  const id = live.config.id;
  const [backlog, counters] = await Promise.all([backlogOf(deps, id), deps.endpointStates.counters(id)]);
  return renderEndpoint(live, backlog, counters);
}

/** The §8 Endpoint of a registered endpoint with the backlog given, and the counters when storage was asked. */
export function renderEndpoint(live: RegisteredEndpoint, backlog: BacklogJson, counters: EndpointCounters | null = null): EndpointJson {
  const c = live.config;
  return {
    ...stateFields(c.id, live.state.state, live.state, counters),
    source: live.source,
    tenant: c.tenant,
    description: c.description,
    metadata: c.metadata === null ? null : { ...c.metadata },
    url: c.url,
    events: [...c.events],
    backlog,
    signature: { scheme: c.signature.scheme, header: c.signature.header },
    timeout_ms: c.timeoutMs,
    retry: { delays_ms: [...c.retry.delaysMs], max_age_ms: c.retry.maxAgeMs },
    ordering: c.ordering,
    created_at: isoOrNull(live.createdAt),
    updated_at: isoOrNull(live.updatedAt),
  };
}

export interface ListFilter {
  readonly tenant: string | null;
  readonly source: "config" | "api" | null;
  readonly state: EndpointJson["state"] | null;
}

/**
 * One page of endpoints in id order after `cursor`: registered ones, and
 * removed ones that still have deliveries waiting (pending, held or in
 * flight). Walks ids from the cursor, so a page costs what it holds plus the
 * ids the filters pass over, never a sort of every endpoint.
 */
export async function listEndpoints(deps: EndpointViewDeps, scope: Scope, filter: ListFilter, cursor: string | null, limit: number) {
  const tenant = scope.kind === "tenant" ? scope.tenant : filter.tenant;
  const removedToo = scope.kind === "all" && tenant === null && filter.source !== "api" && (filter.state === null || filter.state === "removed");
  const items: EndpointJson[] = [];
  // A tenant's page walks that tenant's ids only, not every endpoint's.
  const ids = tenant === null ? deps.endpoints.idsAfter(cursor, filter.source, removedToo) : idsAfter(deps.endpoints.idsOfTenant(tenant), cursor);
  for (const id of ids) {
    const live = deps.endpoints.get(id);
    if (live) {
      if (tenant !== null && live.config.tenant !== tenant) continue;
      if (filter.source !== null && live.source !== filter.source) continue;
      if (filter.state !== null && live.state.state !== filter.state) continue;
      items.push(await renderRegistered(deps, live));
    } else {
      const view = await viewEndpoint(deps, id, scope);
      if (!view || view.backlog.pending + view.backlog.held + view.backlog.in_flight === 0) continue;
      items.push(view);
    }
    if (items.length > limit) break;
  }
  const more = items.length > limit;
  const page = more ? items.slice(0, limit) : items;
  return { items: page, next_cursor: more ? page.at(-1)!.id : null };
}

function* idsAfter(sorted: readonly string[], cursor: string | null): Generator<string> {
  for (const id of sorted) if (cursor === null || id > cursor) yield id;
}

async function backlogOf(deps: EndpointViewDeps, id: string): Promise<BacklogJson> {
  const counts = await deps.backlog.counts(id);
  return { pending: counts.pending, held: counts.held, failed: counts.failed, in_flight: counts.inFlight };
}

function stateFields(id: string, state: EndpointJson["state"], s: EndpointState, stored: EndpointCounters | null) {
  const c = stored ?? s;
  return {
    id,
    state,
    consecutive_failures: c.consecutiveFailures,
    failing_since: isoOrNull(c.failingSince),
    last_success_at: isoOrNull(c.lastSuccessAt),
    disabled_reason: s.disabledReason,
  };
}
