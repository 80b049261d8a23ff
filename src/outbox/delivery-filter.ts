/**
 * @module outbox/delivery-filter
 * Filtered pages of deliveries, shared by admin listings and bulk
 * retry/cancel. Every filter carries a seq range, and each page is read by
 * index range walks in seq order that stop at the page's limit (on the
 * (endpoint_id, status) index, the event type index or the primary key),
 * never by a sort over every match.
 */
import type { Database, Statement } from "bun:sqlite";
import { ENDPOINT_IDS_SQL } from "./endpoint-ids";
import type { DeliveryStatus } from "./types";

export interface DeliveryFilter {
  readonly status: DeliveryStatus | null;
  /** Only deliveries of this tenant's events; null: no such bound. */
  readonly tenant: string | null;
  readonly endpointId: string | null;
  /** Only deliveries to these endpoints (every one a tenant ever had); null: no such bound. Ignored when endpointId is set. */
  readonly endpointIds: readonly string[] | null;
  readonly eventType: string | null;
  /** Lowest seq included. */
  readonly fromSeq: number;
  /** First seq excluded. */
  readonly toSeq: number;
}

/**
 * A delivery's tenant: its event's, fixed at ingest, when the event reached
 * only endpoints of its tenant. An endpoint's tenant can change with the
 * config, so its deliveries are never judged by the endpoint's. One primary
 * key lookup per row.
 */
export const EVENT_TENANT = "(SELECT tenant FROM events WHERE events.id = deliveries.event_id)";

/** Larger than any seq SQLite will hand out in practice, and still exact as a JS number. */
export const NO_UPPER_SEQ = Number.MAX_SAFE_INTEGER;

/** Named parameters of a page statement. */
function filterParams(f: DeliveryFilter, limit: number): Record<string, string | number> {
  return {
    from: f.fromSeq,
    to: f.toSeq,
    limit,
    ...(f.status === null ? {} : { status: f.status }),
    ...(f.endpointId === null ? {} : { endpoint: f.endpointId }),
    ...(f.tenant === null ? {} : { tenant: f.tenant }),
    ...(f.eventType === null ? {} : { type: f.eventType }),
  };
}

/** Every status a delivery can have: an endpoint-only page walks each one's part of the index. */
const STATUSES: readonly DeliveryStatus[] = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

/**
 * Reads pages of `columns` (which must include seq) of the deliveries
 * matching a filter, in seq order. Statements are prepared on first use, one
 * per combination of filters present.
 */
export class FilteredPages<Row extends { seq: number }> {
  readonly #cache = new Map<string, Statement<Row>>();
  readonly #db: Database;
  readonly #columns: string;
  readonly #order: "ASC" | "DESC";
  readonly #endpointIds: Statement<{ id: string }>;

  constructor(db: Database, columns: string, order: "ASC" | "DESC") {
    this.#db = db;
    this.#columns = columns;
    this.#order = order;
    this.#endpointIds = db.prepare(ENDPOINT_IDS_SQL);
  }

  /** Up to `limit` matching rows, from the lowest seq (ASC) or the highest (DESC). */
  page(f: DeliveryFilter, limit: number): Row[] {
    const ids = f.endpointId !== null ? null : (f.endpointIds ?? (f.status !== null ? this.#endpointIds.all().map((r) => r.id) : null));
    if (ids === null) return this.#statement(f).all(filterParams(f, limit) as never);
    // A status across endpoints, or a tenant's endpoints: each endpoint's walk
    // of (endpoint_id, status) is in seq order and stops at `limit`, so
    // merging the walks' rows and keeping the first `limit` reads at most
    // `limit` rows per endpoint.
    const perEndpoint = this.#statement({ ...f, endpointId: "" });
    const rows = ids.flatMap((id) => perEndpoint.all(filterParams({ ...f, endpointId: id }, limit) as never));
    rows.sort(this.#order === "ASC" ? (a, b) => a.seq - b.seq : (a, b) => b.seq - a.seq);
    return rows.slice(0, limit);
  }

  /**
   * How many rows match, counting no further than `cap`: the same index walks
   * as a page of `cap` rows, without bringing the rows out.
   */
  count(f: DeliveryFilter, cap: number): number {
    if (f.status === null || f.endpointId !== null) return this.#statement(f, true).get(filterParams(f, cap) as never)!.n;
    const perEndpoint = this.#statement({ ...f, endpointId: "" }, true);
    let n = 0;
    for (const { id } of this.#endpointIds.all()) {
      if (n >= cap) break;
      n += perEndpoint.get(filterParams({ ...f, endpointId: id }, cap - n) as never)!.n;
    }
    return n;
  }

  #statement(f: DeliveryFilter): Statement<Row>;
  #statement(f: DeliveryFilter, count: true): Statement<{ n: number }>;
  #statement(f: DeliveryFilter, count = false): Statement<Row> | Statement<{ n: number }> {
    const key = `${f.status !== null} ${f.endpointId !== null} ${f.eventType !== null} ${f.tenant !== null} ${count}`;
    let stmt = this.#cache.get(key);
    if (!stmt) {
      const sql = this.#sql(f);
      stmt = this.#db.prepare(count ? `SELECT COUNT(*) AS n FROM (${sql})` : sql) as Statement<Row>;
      this.#cache.set(key, stmt);
    }
    return stmt;
  }

  #sql(f: DeliveryFilter): string {
    const parts = ["seq >= :from", "seq < :to"];
    if (f.status !== null) parts.push("status = :status");
    if (f.endpointId !== null) parts.push("endpoint_id = :endpoint");
    if (f.eventType !== null) parts.push("event_type = :type");
    if (f.tenant !== null) parts.push(`${EVENT_TENANT} = :tenant`);
    const where = parts.join(" AND ");
    const tail = `ORDER BY seq ${this.#order} LIMIT :limit`;
    // INDEXED BY: a walk over the event type index would look as good to the
    // planner and pass over every other endpoint's rows.
    const byEndpoint = f.endpointId === null ? "" : "INDEXED BY deliveries_endpoint_status";
    if (f.endpointId === null || f.status !== null) return `SELECT ${this.#columns} FROM deliveries ${byEndpoint} WHERE ${where} ${tail}`;
    // An endpoint without a status: each status's run of the index is in seq
    // order, and SQLite merges the runs, stopping at :limit.
    const walk = (s: DeliveryStatus) => `SELECT ${this.#columns} FROM deliveries ${byEndpoint} WHERE ${where} AND status = '${s}'`;
    return `${STATUSES.map(walk).join(" UNION ALL ")} ${tail}`;
  }
}
