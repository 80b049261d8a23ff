/**
 * @module storage/postgres/pages
 * Filtered pages of deliveries for admin listings and bulk actions, in seq
 * order. A filter with an endpoint, a tenant's endpoints or a status walks
 * (endpoint_id, status, seq) once per pair, each walk stopping at the page's
 * limit, and keeps the first `limit` of their rows: never a sort of every
 * match. Other filters walk the event type index or the primary key.
 */
import type { SQL } from "bun";
import type { DeliveryFilter } from "../../outbox/delivery-filter";
import type { DeliveryStatus } from "../../outbox/types";
import { PG_EVENT_TENANT } from "./endpoint-states";

const STATUSES: readonly DeliveryStatus[] = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

/** Every endpoint id with deliveries, one index seek each (outbox/endpoint-ids.ts). */
export const PG_WITH_ENDPOINT_IDS = `WITH RECURSIVE endpoint_ids(id) AS (
  SELECT MIN(endpoint_id) FROM deliveries
  UNION ALL
  SELECT (SELECT MIN(endpoint_id) FROM deliveries WHERE endpoint_id > endpoint_ids.id) FROM endpoint_ids WHERE endpoint_ids.id IS NOT NULL
)`;

/** Builds one statement's text and parameters. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** The statement of a page (or, with `count`, of how many rows a page of `limit` would hold). */
export function pageSql(columns: string, order: "ASC" | "DESC", f: DeliveryFilter, limit: number, count = false): { text: string; values: unknown[] } {
  const p = new Params();
  const where = [`seq >= ${p.add(f.fromSeq)}`, `seq < ${p.add(f.toSeq)}`];
  if (f.eventType !== null) where.push(`event_type = ${p.add(f.eventType)}`);
  if (f.tenant !== null) where.push(`${PG_EVENT_TENANT} = ${p.add(f.tenant)}`);
  const lim = p.add(limit);
  const tail = `ORDER BY seq ${order} LIMIT ${lim}`;
  const select = count ? "seq" : columns;
  const byPair = f.endpointId !== null || f.endpointIds !== null || f.status !== null;
  let text: string;
  if (!byPair) {
    text = `SELECT ${select} FROM deliveries WHERE ${where.join(" AND ")} ${tail}`;
  } else {
    const ids =
      f.endpointId !== null
        ? `(SELECT ${p.add(f.endpointId)}::text AS id) ids`
        : f.endpointIds !== null
          ? `(SELECT json_array_elements_text(${p.add(JSON.stringify(f.endpointIds))}::text::json) AS id) ids`
          : "(SELECT id FROM endpoint_ids WHERE id IS NOT NULL) ids";
    const statuses = f.status !== null ? [f.status] : STATUSES;
    const st = `(VALUES ${statuses.map((s) => `('${s}')`).join(", ")}) st(status)`;
    const walk = `SELECT ${select} FROM deliveries WHERE endpoint_id = ids.id AND status = st.status AND ${where.join(" AND ")} ${tail}`;
    const prefix = f.endpointId === null && f.endpointIds === null ? PG_WITH_ENDPOINT_IDS : "";
    text = `${prefix} SELECT w.* FROM ${ids} CROSS JOIN ${st} CROSS JOIN LATERAL (${walk}) w ${tail}`;
  }
  return { text: count ? `SELECT count(*) AS n FROM (${text}) counted` : text, values: p.values };
}

export class PostgresPages<Row> {
  constructor(
    readonly sql: SQL,
    readonly columns: string,
    readonly order: "ASC" | "DESC",
    readonly toRow: (r: Record<string, unknown>) => Row,
  ) {}

  async page(f: DeliveryFilter, limit: number, sql: SQL = this.sql): Promise<Row[]> {
    const q = pageSql(this.columns, this.order, f, limit);
    return ((await sql.unsafe(q.text, q.values)) as Record<string, unknown>[]).map(this.toRow);
  }

  async count(f: DeliveryFilter, cap: number): Promise<number> {
    const q = pageSql(this.columns, this.order, f, cap, true);
    const [row] = await this.sql.unsafe(q.text, q.values);
    return Number(row.n);
  }
}
