/**
 * @module storage/postgres/queries
 * The admin API's reads: one delivery, filtered pages and counts, an event
 * with its deliveries, a delivery's attempts, and the seq of a time.
 */
import type { SQL } from "bun";
import type { DeliveryFilter } from "../../outbox/delivery-filter";
import { type AttemptRow, type DeliveryRow, type EventRow, MAX_ATTEMPTS_SHOWN, MAX_EVENT_DELIVERIES } from "../../outbox/queries";
import type { QueryStore } from "../stores";
import { PG_EVENT_TENANT } from "./endpoint-states";
import { PostgresPages } from "./pages";
import { numbers } from "./rows";

export const PG_DELIVERY_COLUMNS = `seq, event_id, ${PG_EVENT_TENANT} AS tenant, endpoint_id, event_type, status, attempts, next_attempt_at,
  last_status_code, last_error, created_at, updated_at, delivered_at`;

const DELIVERY_NUMBERS = ["seq", "next_attempt_at", "created_at", "updated_at", "delivered_at"];

export function toDeliveryRow(r: Record<string, unknown>): DeliveryRow {
  return numbers<DeliveryRow>(r, DELIVERY_NUMBERS);
}

export class PostgresQueries implements QueryStore {
  readonly #pages: PostgresPages<DeliveryRow>;
  readonly #matches: PostgresPages<unknown>;

  constructor(readonly sql: SQL) {
    this.#pages = new PostgresPages(sql, PG_DELIVERY_COLUMNS, "DESC", toDeliveryRow);
    this.#matches = new PostgresPages(sql, "seq", "ASC", (r) => r);
  }

  async delivery(seq: number): Promise<DeliveryRow | null> {
    const [row] = await this.sql.unsafe(`SELECT ${PG_DELIVERY_COLUMNS} FROM deliveries WHERE seq = $1`, [seq]);
    return row ? toDeliveryRow(row) : null;
  }

  countDeliveries(filter: DeliveryFilter, cap: number): Promise<number> {
    return this.#matches.count(filter, cap);
  }

  deliveries(filter: DeliveryFilter, limit: number): Promise<DeliveryRow[]> {
    return this.#pages.page(filter, limit);
  }

  async event(id: string): Promise<EventRow | null> {
    const [row] = await this.sql`SELECT id, type, tenant, data, ordering_key, occurred_at, created_at FROM events WHERE id = ${id}`;
    return row ? numbers<EventRow>(row, ["occurred_at", "created_at"]) : null;
  }

  async eventDeliveries(eventId: string): Promise<DeliveryRow[]> {
    const rows = await this.sql.unsafe(`SELECT ${PG_DELIVERY_COLUMNS} FROM deliveries WHERE event_id = $1 ORDER BY seq LIMIT ${MAX_EVENT_DELIVERIES}`, [eventId]);
    return (rows as Record<string, unknown>[]).map(toDeliveryRow);
  }

  async deliveryOf(eventId: string, endpointId: string): Promise<DeliveryRow | null> {
    const [row] = await this.sql.unsafe(`SELECT ${PG_DELIVERY_COLUMNS} FROM deliveries WHERE event_id = $1 AND endpoint_id = $2 LIMIT 1`, [eventId, endpointId]);
    return row ? toDeliveryRow(row) : null;
  }

  async attempts(seq: number): Promise<AttemptRow[]> {
    const rows = await this.sql.unsafe(
      `SELECT n, started_at, duration_ms, status_code, error, request_headers, response_excerpt
       FROM attempts WHERE delivery_seq = $1 ORDER BY n DESC LIMIT ${MAX_ATTEMPTS_SHOWN}`,
      [seq],
    );
    return (rows as Record<string, unknown>[]).map((r) => numbers<AttemptRow>(r, ["started_at", "duration_ms"])).reverse();
  }

  /**
   * created_at grows with seq (outbox/queries.ts): a binary search over seq
   * with primary-key lookups finds the boundary without an index on
   * created_at, which every ingest would pay for.
   */
  async seqAt(time: number): Promise<number> {
    const [max] = await this.sql`SELECT MAX(seq) AS seq FROM deliveries`;
    let lo = 0;
    let hi = Number(max.seq ?? 0) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [row] = await this.sql`SELECT created_at FROM deliveries WHERE seq >= ${mid} ORDER BY seq LIMIT 1`;
      if (!row || Number(row.created_at) >= time) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
