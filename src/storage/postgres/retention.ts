/**
 * @module storage/postgres/retention
 * Forgetting old history in bounded batches, each walking an index
 * (deliveries_finished, attempt_rollups_minute) or the events' commit order
 * (rid), so a batch costs the same however large the tables are.
 */
import type { SQL } from "bun";
import type { EventCursor, FinishedStatus } from "../../outbox/retention";
import type { RetentionStore } from "../stores";

export const PG_RETENTION_SQL = {
  // Deletes a batch of finished deliveries with their attempts; answers their event ids.
  deliveries: `WITH gone AS (
      DELETE FROM deliveries WHERE seq IN (
        SELECT seq FROM deliveries WHERE status IN ('delivered', 'failed', 'cancelled') AND status = $1 AND updated_at < $2
        ORDER BY updated_at LIMIT $3)
      RETURNING seq, event_id
    ), attempts_gone AS (DELETE FROM attempts WHERE delivery_seq IN (SELECT seq FROM gone))
    SELECT event_id FROM gone`,
  // A separate statement: it must see the deliveries deleted above gone.
  bareEvents: `DELETE FROM events WHERE id IN (SELECT json_array_elements_text($1::text::json))
    AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = events.id)`,
  oldEvents: "SELECT rid, created_at FROM events WHERE rid > $1 ORDER BY rid LIMIT $2",
  bareEventRows: `DELETE FROM events WHERE rid IN (SELECT json_array_elements_text($1::text::json)::bigint)
    AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = events.id)`,
  rollups: `DELETE FROM attempt_rollups WHERE (endpoint_id, minute) IN
    (SELECT endpoint_id, minute FROM attempt_rollups WHERE minute < $1 ORDER BY minute LIMIT $2)`,
} as const;

export class PostgresRetention implements RetentionStore {
  constructor(readonly sql: SQL) {}

  pruneDeliveries(status: FinishedStatus, before: number, limit: number): Promise<number> {
    return this.sql.begin(async (tx) => {
      const rows = (await tx.unsafe(PG_RETENTION_SQL.deliveries, [status, before, limit])) as { event_id: string }[];
      if (rows.length > 0) await tx.unsafe(PG_RETENTION_SQL.bareEvents, [JSON.stringify([...new Set(rows.map((r) => r.event_id))])]);
      return rows.length;
    });
  }

  async pruneBareEvents(before: number, from: EventCursor | null, limit: number): Promise<{ deleted: number; next: EventCursor | null }> {
    const rows = (await this.sql.unsafe(PG_RETENTION_SQL.oldEvents, [from ?? 0, limit])) as { rid: string; created_at: string }[];
    const young = rows.findIndex((r) => Number(r.created_at) >= before);
    const old = young === -1 ? rows : rows.slice(0, young);
    const deleted = old.length === 0 ? 0 : (await this.sql.unsafe(PG_RETENTION_SQL.bareEventRows, [JSON.stringify(old.map((r) => r.rid))])).count;
    const next = young !== -1 || rows.length < limit ? null : Number(rows.at(-1)!.rid);
    return { deleted, next };
  }

  async pruneRollups(beforeMinute: number, limit: number): Promise<number> {
    return (await this.sql.unsafe(PG_RETENTION_SQL.rollups, [beforeMinute, limit])).count;
  }
}
