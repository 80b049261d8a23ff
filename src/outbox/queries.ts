/**
 * @module outbox/queries
 * The admin API's reads: one delivery, a filtered page of deliveries (newest
 * first) or their capped count, an event with its deliveries, a delivery's attempt log. Every
 * statement is bounded by a LIMIT and walks an index.
 */
import type { Database, Statement } from "bun:sqlite";
import { type DeliveryFilter, EVENT_TENANT, FilteredPages } from "./delivery-filter";
import type { DeliveryStatus } from "./types";

export interface DeliveryRow {
  seq: number;
  event_id: string;
  /** Its event's tenant: whose delivery it is, whatever tenant the endpoint has since. */
  tenant: string | null;
  endpoint_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

export interface EventRow {
  id: string;
  type: string;
  tenant: string | null;
  data: string;
  ordering_key: string | null;
  occurred_at: number | null;
  created_at: number;
}

export interface AttemptRow {
  n: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  request_headers: string;
  response_excerpt: string | null;
}

/** Deliveries one event lists at most: one per endpoint it matched, so far beyond any real config. */
export const MAX_EVENT_DELIVERIES = 1000;
/** Attempts one delivery shows at most (the newest): a timetable plus manual retries stays far below it. */
export const MAX_ATTEMPTS_SHOWN = 1000;

const DELIVERY_COLUMNS = `seq, event_id, ${EVENT_TENANT} AS tenant, endpoint_id, event_type, status, attempts, next_attempt_at,
  last_status_code, last_error, created_at, updated_at, delivered_at`;

export class Queries {
  readonly #delivery: Statement<DeliveryRow>;
  readonly #page: FilteredPages<DeliveryRow>;
  readonly #matches: FilteredPages<{ seq: number }>;
  readonly #event: Statement<EventRow>;
  readonly #eventDeliveries: Statement<DeliveryRow>;
  readonly #deliveryOf: Statement<DeliveryRow>;
  readonly #attempts: Statement<AttemptRow>;
  readonly #firstFrom: Statement<{ seq: number; created_at: number }>;
  readonly #maxSeq: Statement<{ seq: number | null }>;

  constructor(db: Database) {
    this.#delivery = db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE seq = ?`);
    this.#page = new FilteredPages(db, DELIVERY_COLUMNS, "DESC");
    this.#matches = new FilteredPages(db, "seq", "ASC");
    this.#event = db.prepare("SELECT id, type, tenant, data, ordering_key, occurred_at, created_at FROM events WHERE id = ?");
    this.#eventDeliveries = db.prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE event_id = ? ORDER BY seq LIMIT ${MAX_EVENT_DELIVERIES}`,
    );
    // The unary + keeps SQLite off the endpoint index, which can hold millions of rows; an event has a handful.
    this.#deliveryOf = db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE event_id = ? AND +endpoint_id = ? LIMIT 1`);
    this.#attempts = db.prepare(
      `SELECT n, started_at, duration_ms, status_code, error, request_headers, response_excerpt
       FROM attempts WHERE delivery_seq = ? ORDER BY n DESC LIMIT ${MAX_ATTEMPTS_SHOWN}`,
    );
    this.#firstFrom = db.prepare("SELECT seq, created_at FROM deliveries WHERE seq >= ? ORDER BY seq LIMIT 1");
    this.#maxSeq = db.prepare("SELECT MAX(seq) AS seq FROM deliveries");
  }

  delivery(seq: number): DeliveryRow | null {
    return this.#delivery.get(seq);
  }

  /** How many deliveries match `filter`, counting no further than `cap`. */
  countDeliveries(filter: DeliveryFilter, cap: number): number {
    return this.#matches.count(filter, cap);
  }

  /** Up to `limit` deliveries matching `filter`, highest seq (newest) first. */
  deliveries(filter: DeliveryFilter, limit: number): DeliveryRow[] {
    return this.#page.page(filter, limit);
  }

  event(id: string): EventRow | null {
    return this.#event.get(id);
  }

  /** The event's deliveries in creation order. */
  eventDeliveries(eventId: string): DeliveryRow[] {
    return this.#eventDeliveries.all(eventId);
  }

  /** The one delivery of `eventId` to `endpointId`. */
  deliveryOf(eventId: string, endpointId: string): DeliveryRow | null {
    return this.#deliveryOf.get(eventId, endpointId);
  }

  /** The delivery's attempts in order (the newest MAX_ATTEMPTS_SHOWN of them). */
  attempts(seq: number): AttemptRow[] {
    return this.#attempts.all(seq).reverse();
  }

  /**
   * The lowest seq whose delivery was created at or after `time`.
   * seq is handed out in commit order and created_at is the ingest time, so
   * created_at grows with seq: a binary search over seq with primary-key
   * lookups (about 50 at most) finds the boundary without an index on
   * created_at, which every ingest would otherwise pay for.
   */
  seqAt(time: number): number {
    let lo = 0;
    let hi = (this.#maxSeq.get()?.seq ?? 0) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = this.#firstFrom.get(mid);
      if (!row || row.created_at >= time) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
