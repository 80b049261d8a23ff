/**
 * @module outbox/retention
 * The statements that forget old history: finished deliveries with their
 * attempts and events, events that never had a delivery, and attempt rollups
 * older than the longest stats window. Every delete is bounded by a batch
 * limit and walks an index (deliveries_finished, attempt_rollups_minute) or
 * the events' rowids, so one batch costs the same however large the table is and
 * holds the write lock only briefly.
 */
import type { Database, Statement } from "bun:sqlite";

/** Finished states that retention removes; `failed` has its own, longer, retention. */
export type FinishedStatus = "delivered" | "cancelled" | "failed";

/** Where a walk over old events stopped: the rowid the next batch starts after. */
export type EventCursor = number;

/**
 * Finished deliveries of one status, oldest first. The IN (...) term repeats the
 * partial index's condition word for word, which is what lets SQLite use it.
 * Parameters: status, before, limit.
 */
export const FINISHED_SQL = `SELECT seq, event_id FROM deliveries
  WHERE status IN ('delivered', 'failed', 'cancelled') AND status = ?1 AND updated_at < ?2
  ORDER BY updated_at LIMIT ?3`;

/**
 * Events after a rowid cursor, oldest first. Rowids are handed out in commit
 * order and created_at is the ingest time, so the walk meets events in
 * creation order and stops at the first one too young, without an index on
 * created_at that every ingest would pay for (a clock stepped back only
 * delays a few events to a later run). Parameters: cursor rowid, limit.
 */
export const OLD_EVENTS_SQL = "SELECT rowid, created_at FROM events WHERE rowid > ?1 ORDER BY rowid LIMIT ?2";

/** Up to `limit` of the oldest rollup rows before a minute. Parameters: before, limit. */
export const OLD_ROLLUPS_SQL = `DELETE FROM attempt_rollups WHERE (endpoint_id, minute) IN
  (SELECT endpoint_id, minute FROM attempt_rollups WHERE minute < ?1 ORDER BY minute LIMIT ?2)`;

export class Retention {
  readonly #db: Database;
  readonly #finished: Statement<{ seq: number; event_id: string }>;
  readonly #deleteAttempts: Statement;
  readonly #deleteDelivery: Statement;
  readonly #deleteEventIfBare: Statement;
  readonly #oldEvents: Statement<{ rowid: number; created_at: number }>;
  readonly #deleteEventRowIfBare: Statement;
  readonly #deleteOldRollups: Statement;

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
    this.#deleteOldRollups = db.prepare(OLD_ROLLUPS_SQL);
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
   * Looks at up to `limit` events after `from`, oldest first, and deletes
   * those created before `before` that have no deliveries (events that matched
   * no endpoint). Events that still have deliveries are skipped; they go with
   * their last delivery. Answers the count deleted and where to continue
   * (null once the walk reached the end or an event created at `before` or later).
   */
  pruneBareEvents(before: number, from: EventCursor | null, limit: number): { deleted: number; next: EventCursor | null } {
    return this.#db
      .transaction(() => {
        const rows = this.#oldEvents.all(from ?? 0, limit);
        let deleted = 0;
        for (const r of rows) {
          if (r.created_at >= before) return { deleted, next: null };
          deleted += this.#deleteEventRowIfBare.run(r.rowid).changes;
        }
        return { deleted, next: rows.length < limit ? null : rows.at(-1)!.rowid };
      })
      .immediate();
  }

  /** Deletes up to `limit` rollup rows of minutes before `beforeMinute`; answers how many went. */
  pruneRollups(beforeMinute: number, limit: number): number {
    return this.#deleteOldRollups.run(beforeMinute, limit).changes;
  }
}
