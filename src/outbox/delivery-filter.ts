/**
 * @module outbox/delivery-filter
 * The page statements shared by admin listings and bulk retry/cancel. Every
 * filter carries a seq range, so each query is an index range walk (by
 * status, endpoint and status, event type or the primary key) in seq order
 * that stops at its LIMIT, never a sort over every match.
 */
import type { Database, Statement } from "bun:sqlite";
import type { DeliveryStatus } from "./types";

export interface DeliveryFilter {
  readonly status: DeliveryStatus | null;
  readonly endpointId: string | null;
  readonly eventType: string | null;
  /** Lowest seq included. */
  readonly fromSeq: number;
  /** First seq excluded. */
  readonly toSeq: number;
}

/** Larger than any seq SQLite will hand out in practice, and still exact as a JS number. */
export const NO_UPPER_SEQ = Number.MAX_SAFE_INTEGER;

/** Named parameters for a statement built by FilteredStatements. */
export function filterParams(f: DeliveryFilter): Record<string, string | number> {
  return {
    from: f.fromSeq,
    to: f.toSeq,
    ...(f.status === null ? {} : { status: f.status }),
    ...(f.endpointId === null ? {} : { endpoint: f.endpointId }),
    ...(f.eventType === null ? {} : { type: f.eventType }),
  };
}

/** Every status a delivery can have: an endpoint-only listing walks each one's part of the index. */
const STATUSES: readonly DeliveryStatus[] = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

/**
 * Prepares one page statement per combination of present filters (at most
 * eight), on first use: `columns` of the matching rows in seq order, up to
 * :limit. The columns must include seq.
 */
export class FilteredStatements<Row> {
  readonly #cache = new Map<string, Statement<Row>>();
  readonly #db: Database;
  readonly #columns: string;
  readonly #order: "ASC" | "DESC";

  constructor(db: Database, columns: string, order: "ASC" | "DESC") {
    this.#db = db;
    this.#columns = columns;
    this.#order = order;
  }

  for(f: DeliveryFilter): Statement<Row> {
    const key = `${f.status !== null} ${f.endpointId !== null} ${f.eventType !== null}`;
    let stmt = this.#cache.get(key);
    if (!stmt) {
      stmt = this.#db.prepare(this.#sql(f)) as Statement<Row>;
      this.#cache.set(key, stmt);
    }
    return stmt;
  }

  #sql(f: DeliveryFilter): string {
    const parts = ["seq >= :from", "seq < :to"];
    if (f.status !== null) parts.push("status = :status");
    if (f.endpointId !== null) parts.push("endpoint_id = :endpoint");
    if (f.eventType !== null) parts.push("event_type = :type");
    const where = parts.join(" AND ");
    const tail = `ORDER BY seq ${this.#order} LIMIT :limit`;
    if (f.endpointId === null || f.status !== null) return `SELECT ${this.#columns} FROM deliveries WHERE ${where} ${tail}`;
    // An endpoint without a status has no index of its own (ingest would pay
    // for it on every row): each status's run of the (endpoint_id, status)
    // index is already in seq order, and SQLite merges the runs, stopping at
    // :limit, so the listing stays a bounded walk. INDEXED BY, because a
    // status-wide or type-wide walk would look as good to the planner and
    // pass over every other endpoint's rows.
    const walk = (s: DeliveryStatus) =>
      `SELECT ${this.#columns} FROM deliveries INDEXED BY deliveries_endpoint_status WHERE ${where} AND status = '${s}'`;
    return `${STATUSES.map(walk).join(" UNION ALL ")} ${tail}`;
  }
}
