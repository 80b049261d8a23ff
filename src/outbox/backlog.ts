/**
 * @module outbox/backlog
 * Per-endpoint backlog counts and the age of the oldest waiting delivery,
 * read by the admin API and at every metrics scrape. Each is a range count
 * on the (endpoint_id, status) index, so it costs the size of that backlog,
 * never the size of the table.
 */
import type { Database, Statement } from "bun:sqlite";

export interface BacklogCounts {
  readonly pending: number;
  readonly held: number;
  readonly failed: number;
  readonly inFlight: number;
}

/** Pending, held and failed deliveries of every endpoint together. */
export interface BacklogTotals {
  readonly pending: number;
  readonly held: number;
  readonly failed: number;
}

export class Backlog {
  readonly #count: Statement<{ n: number }>;
  readonly #oldest: Statement<{ created_at: number }>;
  readonly #totals: Statement<BacklogTotals>;
  readonly #oldestPending: Statement<{ created_at: number }>;

  constructor(db: Database) {
    // Each a range count over a partial index that holds only rows of that
    // status (deliveries_due, deliveries_held, deliveries_finished): the cost
    // is the backlog's, never the history's or the endpoint count's.
    this.#totals = db.prepare(`SELECT
      (SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending') AS pending,
      (SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_held WHERE status = 'held') AS held,
      (SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_finished WHERE status IN ('delivered', 'failed', 'cancelled') AND status = 'failed') AS failed`);
    // The lowest seq is the oldest row; the due index holds every pending row's seq, so its
    // minimum costs one pass over the pending backlog's index entries and one row read.
    this.#oldestPending = db.prepare(
      "SELECT created_at FROM deliveries WHERE seq = (SELECT MIN(seq) FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending')",
    );
    this.#count = db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE endpoint_id = ? AND status = ?");
    // seq follows creation order, so the lowest seq is the oldest row.
    this.#oldest = db.prepare(
      "SELECT created_at FROM deliveries WHERE endpoint_id = ? AND status = ? ORDER BY seq LIMIT 1",
    );
  }

  counts(endpointId: string): BacklogCounts {
    const n = (status: string) => this.#count.get(endpointId, status)!.n;
    return { pending: n("pending"), held: n("held"), failed: n("failed"), inFlight: n("in_flight") };
  }

  /** Creation time of the oldest pending delivery of any endpoint; null when none waits. */
  oldestPendingSince(): number | null {
    return this.#oldestPending.get()?.created_at ?? null;
  }

  /** Every endpoint's pending, held and failed deliveries together. */
  totals(): BacklogTotals {
    return this.#totals.get()!;
  }

  /**
   * Creation time of the endpoint's oldest delivery still on its way
   * (pending, or in flight right now); null when there is none.
   */
  oldestWaitingSince(endpointId: string): number | null {
    const pending = this.#oldest.get(endpointId, "pending")?.created_at ?? null;
    const inFlight = this.#oldest.get(endpointId, "in_flight")?.created_at ?? null;
    if (pending === null) return inFlight;
    return inFlight === null ? pending : Math.min(pending, inFlight);
  }
}
