/**
 * @module admin/filters
 * Turns listing queries and bulk bodies into an outbox DeliveryFilter:
 * `since` / `until` as ISO-8601 or "that long ago", converted to seq bounds;
 * cursors are the seq to continue from.
 */
import { parseDuration } from "../config/duration";
import { HttpError } from "../http/errors";
import { type DeliveryFilter, NO_UPPER_SEQ } from "../outbox/delivery-filter";
import type { QueryStore } from "../storage/stores";
import type { DeliveryStatus } from "../outbox/types";
import type { Scope } from "../scope";

export interface FilterInput {
  readonly status?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly tenant?: string | undefined;
  readonly event_type?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/** Where the filter came from: errors name the query or the body. */
export type FilterSource = "query" | "body";

/** Unix ms for an ISO-8601 time (a date alone means its UTC midnight) or a duration before `now`. */
export function parseTimeBound(text: string, now: number, field: string, source: FilterSource): number {
  const ago = parseDuration(text);
  if (ago !== null) return now - ago;
  const ms = ISO_WITH_ZONE.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(ms)) {
    throw new HttpError(400, `invalid_${source}`, `${field} must be an ISO-8601 time with a zone or a duration such as 1h`, [
      { field: `/${field}`, message: "expected an ISO-8601 time (2026-03-08T12:00:00Z) or a duration (30m, 1h, 7d)" },
    ]);
  }
  return ms;
}

export interface FilterOptions {
  readonly cursor: string | undefined;
  /** The caller's scope: a portal session sees its tenant's deliveries only. */
  readonly scope: Scope;
  /** Every endpoint id a tenant has had, deleted ones included: where its deliveries can be. */
  readonly idsOfTenant: (tenant: string) => readonly string[];
  /** Listings walk newest first and continue below the cursor; bulk actions walk up from it. */
  readonly direction: "asc" | "desc";
  readonly source: FilterSource;
  readonly now: number;
}

/** The outbox filter for a listing query or a bulk body. */
export async function toFilter(input: FilterInput, options: FilterOptions, queries: QueryStore): Promise<DeliveryFilter> {
  const { cursor, direction, source, now, scope } = options;
  let fromSeq = input.since === undefined ? 0 : await queries.seqAt(parseTimeBound(input.since, now, "since", source));
  // `until` is inclusive: everything created after it starts at the seq of until + 1 ms.
  let toSeq = input.until === undefined ? NO_UPPER_SEQ : await queries.seqAt(parseTimeBound(input.until, now, "until", source) + 1);
  if (cursor !== undefined) {
    const at = Number(cursor);
    if (direction === "desc") toSeq = Math.min(toSeq, at);
    else fromSeq = Math.max(fromSeq, at + 1);
  }
  const tenant = scope.kind === "tenant" ? scope.tenant : (input.tenant ?? null);
  const tenantIds = tenant === null ? null : options.idsOfTenant(tenant);
  // An endpoint outside the tenant matches nothing, like an id that does not exist.
  const endpointId = input.endpoint ?? null;
  const outside = endpointId !== null && tenantIds !== null && !tenantIds.includes(endpointId);
  return {
    status: (input.status as DeliveryStatus | undefined) ?? null,
    tenant,
    endpointId: outside ? null : endpointId,
    endpointIds: outside ? [] : tenantIds,
    eventType: input.event_type ?? null,
    fromSeq,
    toSeq,
  };
}
