/**
 * @module outbox/retention
 * The statements that forget old history: finished deliveries with their
 * attempts and events, and events that never had a delivery. Every delete is bounded by a batch limit and walks an index
 * (migration 003), so one batch costs the same however large the table is and
 * holds the write lock only briefly.
 */
import type { Database, Statement } from "bun:sqlite";

/** Finished states that retention removes; `failed` has its own, longer, retention. */
export type FinishedStatus = "delivered" | "cancelled" | "failed";

/** Where a walk over old events stopped: the next batch starts after this row. */
export interface EventCursor {
  readonly createdAt: number;
  readonly rowid: number;
}

/**
 * Finished deliveries of one status, oldest first. The IN (...) term repeats the
 * partial index's condition word for word, which is what lets SQLite use it.
 * Parameters: status, before, limit.
 */
export const FINISHED_SQL = `SELECT seq, event_id FROM deliveries
  WHERE status IN ('delivered', 'failed', 'cancelled') AND status = ?1 AND updated_at < ?2
  ORDER BY updated_at LIMIT ?3`;

/** Old events after a (created_at, rowid) cursor, in index order. Parameters: before, cursor time, cursor rowid, limit. */
export const OLD_EVENTS_SQL = `SELECT rowid, created_at FROM events
  WHERE created_at < ?1 AND (created_at > ?2 OR (created_at = ?2 AND rowid > ?3))
  ORDER BY created_at, rowid LIMIT ?4`;

export class Retention {
  readonly #db: Database;
  readonly #finished: Statement<{ seq: number; event_id: string }>;
  readonly #deleteAttempts: Statement;
  readonly #deleteDelivery: Statement;
  readonly #deleteEventIfBare: Statement;
  readonly #oldEvents: Statement<{ rowid: number; created_at: number }>;
  readonly #deleteEventRowIfBare: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#finished = db.prepare(FINISHED_SQL);
    this.#deleteAttempts = db.prepare("DELETE FROM attempts WHERE delivery_seq = ?");
    this.#deleteDelivery = db.prepare("DELETE FROM deliveries WHERE seq = ?");
    this.#deleteEventIfBare = db.prepare("DELETE FROM events WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?1)");
    this.#oldEvents = db.prepare(OLD_EVENTS_SQL);
    this.#deleteEventRowIfBare = db.prepare(
      "DELETE FROM events WHERE rowid = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE event_id = events.id)",
    );
  }

  /**
   * Deletes up to `limit` deliveries in `status` that finished before `before`,
   * their attempts, and each of their events left with no delivery. Answers how
   * many deliveries went; fewer than `limit` means none are left.
   */
  pruneDeliveries(status: FinishedStatus, before: number, limit: number): number {
    return this.#db
      .transaction(() => {
        const rows = this.#finished.all(status, before, limit);
        for (const r of rows) {
          this.#deleteAttempts.run(r.seq);
          this.#deleteDelivery.run(r.seq);
        }
        for (const eventId of new Set(rows.map((r) => r.event_id))) this.#deleteEventIfBare.run(eventId);
        return rows.length;
      })
      .immediate();
  }

  /**
   * Looks at up to `limit` events created before `before`, after `from`, and
   * deletes those without deliveries (events that matched no endpoint). Events
   * that still have deliveries are skipped; they go with their last delivery.
   * Answers the count deleted and where to continue (null when done).
   */
  pruneBareEvents(before: number, from: EventCursor | null, limit: number): { deleted: number; next: EventCursor | null } {
    return this.#db
      .transaction(() => {
        const rows = this.#oldEvents.all(before, from?.createdAt ?? Number.MIN_SAFE_INTEGER, from?.rowid ?? 0, limit);
        let deleted = 0;
        for (const r of rows) deleted += this.#deleteEventRowIfBare.run(r.rowid).changes;
        const last = rows.at(-1);
        const next = rows.length < limit || !last ? null : { createdAt: last.created_at, rowid: last.rowid };
        return { deleted, next };
      })
      .immediate();
  }
}
