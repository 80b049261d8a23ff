/**
 * @module outbox/delivery-filter
 * The WHERE clause shared by admin listings and bulk retry/cancel. Every
 * filter carries a seq range, so each query is an index range walk (by
 * status, endpoint, event type or the primary key) in seq order that stops
 * at its LIMIT, never a sort over every match.
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

/**
 * Prepares one statement per combination of present filters (at most eight),
 * on first use: `build` receives the WHERE clause.
 */
export class FilteredStatements<Row> {
  readonly #cache = new Map<string, Statement<Row>>();
  readonly #db: Database;
  readonly #build: (where: string) => string;

  constructor(db: Database, build: (where: string) => string) {
    this.#db = db;
    this.#build = build;
  }

  for(f: DeliveryFilter): Statement<Row> {
    const parts = ["seq >= :from", "seq < :to"];
    if (f.status !== null) parts.push("status = :status");
    if (f.endpointId !== null) parts.push("endpoint_id = :endpoint");
    if (f.eventType !== null) parts.push("event_type = :type");
    const where = parts.join(" AND ");
    let stmt = this.#cache.get(where);
    if (!stmt) {
      stmt = this.#db.prepare(this.#build(where)) as Statement<Row>;
      this.#cache.set(where, stmt);
    }
    return stmt;
  }
}
