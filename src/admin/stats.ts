/**
 * @module admin/stats
 * `GET /v1/stats` (the whole relay) and `GET /v1/endpoints/:id/stats`: attempt
 * figures over a window from the per-minute rollups, plus the backlog as it
 * is now and the creation time of the oldest delivery still on its way. The
 * rollup read is bounded by the window (at most one row per minute), never by
 * the number of attempts stored.
 */
import { statsAnswer } from "../stats/answer";
import { RELAY_SCOPE, tenantScopeKey } from "../stats/tally";
import { type StatsWindow, windowRange } from "../stats/window";
import { ADMIN_SECURITY, adminGroup, scopeOf, TENANT_SECURITY } from "./access";
import type { AdminDeps } from "./deps";
import { registered } from "./endpoints";
import { IdParams, RelayStatsQuery, StatsQuery } from "./params";
import { isoOrNull } from "./render";
import { Stats } from "./shapes";

/** The window answered when the query names none. */
export const DEFAULT_STATS_WINDOW: StatsWindow = "24h";

export function statsRoutes(deps: AdminDeps) {
  const doc = (summary: string, operationId: string, tag: string, tenants: boolean) => ({
    summary,
    operationId,
    tags: [tag],
    security: tenants ? TENANT_SECURITY : ADMIN_SECURITY,
  });
  const figures = async (scope: string, window: StatsWindow | undefined) => {
    const w = window ?? DEFAULT_STATS_WINDOW;
    const range = windowRange(w, deps.clock.now());
    return statsAnswer(w, range, await deps.rollups.read(scope, range.fromMinute, range.toMinute, range.stepMinutes));
  };
  /** Backlog counts summed over `ids`, and the oldest creation time of a delivery still on its way. */
  const waiting = async (ids: readonly string[]) => {
    const backlog = { pending: 0, in_flight: 0, held: 0, failed: 0 };
    let oldest: number | null = null;
    for (const id of ids) {
      const c = await deps.backlog.counts(id);
      backlog.pending += c.pending;
      backlog.in_flight += c.inFlight;
      backlog.held += c.held;
      backlog.failed += c.failed;
      const since = await deps.backlog.oldestWaitingSince(id);
      if (since !== null && (oldest === null || since < oldest)) oldest = since;
    }
    return { backlog, oldest_pending_at: isoOrNull(oldest) };
  };
  return adminGroup("admin-stats", deps)
    .app.get(
      "/v1/stats",
      async ({ query }) => {
        // A tenant's backlog sums its own endpoints; the relay's comes from counts over every endpoint at once.
        if (query.tenant !== undefined) {
          return { ...(await figures(tenantScopeKey(query.tenant), query.window)), ...(await waiting(deps.endpoints.idsOfTenant(query.tenant))) };
        }
        const totals = await deps.backlog.totals();
        const backlog = { pending: totals.pending, in_flight: deps.inFlight(), held: totals.held, failed: totals.failed };
        return { ...(await figures(RELAY_SCOPE, query.window)), backlog, oldest_pending_at: isoOrNull(await deps.backlog.oldestPendingSince()) };
      },
      {
        query: RelayStatsQuery,
        response: { 200: Stats },
        detail: doc("Attempt figures of the whole relay (or one tenant) over a window, and its backlog", "getStats", "stats", false),
      },
    )
    .get(
      "/v1/endpoints/:id/stats",
      async ({ params, query, request }) => {
        registered(deps, params.id, scopeOf(request));
        return { ...(await figures(params.id, query.window)), ...(await waiting([params.id])) };
      },
      {
        params: IdParams,
        query: StatsQuery,
        response: { 200: Stats },
        detail: doc("Attempt figures of one endpoint over a window, and its backlog", "getEndpointStats", "endpoints", true),
      },
    );
}
