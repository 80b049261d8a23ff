/**
 * @module outbox/endpoint-store
 * Durable per-endpoint state (active / disabled / auto_disabled and the
 * failure counters), and the bulk moves between `pending` and `held` that a
 * state change implies. Held rows keep their FIFO marks (they still wait);
 * the bulk cancels settle the marks of the rows they end.
 */
import type { Database, Statement } from "bun:sqlite";
import { EVENT_TENANT } from "./delivery-filter";
import { FifoHeads } from "./fifo-heads";
import type { EndpointCounters } from "../storage/stores";
import type { EndpointState } from "./types";

interface StateRow {
  endpoint_id: string;
  state: EndpointState["state"];
  disabled_reason: string | null;
  consecutive_failures: number;
  failing_since: number | null;
  last_success_at: number | null;
  config_hash: string | null;
}

/** The failure counters are the outcomes' to write (storage/sqlite/counters.ts): a state write leaves them. */
const STATE_UPSERT = `INSERT INTO endpoint_state (endpoint_id, state, disabled_reason, config_hash) VALUES (?, ?, ?, ?)
  ON CONFLICT (endpoint_id) DO UPDATE SET state = excluded.state, disabled_reason = excluded.disabled_reason, config_hash = excluded.config_hash`;
/** Appended to an upsert's SET by an enable; a new row starts so anyway. */
export const STREAK_RESET = "consecutive_failures = 0, failing_since = NULL";

export class EndpointStore {
  readonly #all: Statement<StateRow>;
  readonly #counters: Statement<Pick<StateRow, "consecutive_failures" | "failing_since" | "last_success_at">>;
  readonly #upsert: Statement;
  readonly #upsertReset: Statement;
  readonly #hold: Statement;
  readonly #release: Statement;
  readonly #backlog: Statement<{ present: number }>;
  readonly #assignFifoKeys: Statement;
  readonly #cancelBacklog: Statement;
  readonly #cancelOtherTenants: Statement;
  readonly #heads: FifoHeads;
  readonly #tx: { immediate: (work: () => number) => number };

  constructor(db: Database) {
    this.#heads = new FifoHeads(db);
    // Nested inside a caller's transaction this is a savepoint.
    this.#tx = db.transaction((work: () => number) => work());
    this.#all = db.prepare("SELECT * FROM endpoint_state");
    this.#counters = db.prepare("SELECT consecutive_failures, failing_since, last_success_at FROM endpoint_state WHERE endpoint_id = ?");
    this.#upsert = db.prepare(STATE_UPSERT);
    this.#upsertReset = db.prepare(`${STATE_UPSERT}, ${STREAK_RESET}`);
    this.#hold = db.prepare(
      "UPDATE deliveries SET status = 'held', updated_at = ? WHERE endpoint_id = ? AND status = 'pending'",
    );
    // Due at once; equal next_attempt_at values are claimed in seq (ingest) order by the due index.
    this.#release = db.prepare(
      "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ? WHERE endpoint_id = ? AND status = 'held'",
    );
    this.#backlog = db.prepare(
      `SELECT EXISTS (SELECT 1 FROM deliveries WHERE endpoint_id = ? AND status IN ('pending', 'held', 'in_flight')) AS present`,
    );
    this.#assignFifoKeys = db.prepare(
      `UPDATE deliveries SET fifo_key = COALESCE((SELECT ordering_key FROM events WHERE id = deliveries.event_id), '')
       WHERE endpoint_id = ? AND fifo_key IS NULL AND status IN ('pending', 'held', 'in_flight')`,
    );
    this.#cancelBacklog = db.prepare(
      "UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = ? WHERE endpoint_id = ? AND status IN ('pending', 'held')",
    );
    this.#cancelOtherTenants = db.prepare(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = ?
       WHERE endpoint_id = ? AND status IN ('pending', 'held') AND ${EVENT_TENANT} IS NOT ?`,
    );
  }

  counters(id: string): EndpointCounters | null {
    const r = this.#counters.get(id);
    return r ? { consecutiveFailures: r.consecutive_failures, failingSince: r.failing_since, lastSuccessAt: r.last_success_at } : null;
  }

  /** Cancels every pending and held delivery of a deleted endpoint; answers how many. */
  cancelBacklog(id: string, now: number): number {
    return this.#cancelSettled(id, () => this.#cancelBacklog.run(now, id).changes);
  }

  /**
   * Cancels the pending and held deliveries of an endpoint whose events are
   * not of `tenant` (it was given another tenant): one customer's events
   * never reach another's endpoint. Answers how many.
   */
  cancelOtherTenants(id: string, tenant: string | null, now: number): number {
    return this.#cancelSettled(id, () => this.#cancelOtherTenants.run(now, id, tenant).changes);
  }

  #cancelSettled(id: string, cancel: () => number): number {
    return this.#tx.immediate(() => {
      const n = cancel();
      if (n > 0) this.#heads.settleLeft(id);
      return n;
    });
  }

  /** Every stored endpoint state, by id. */
  loadAll(): Map<string, EndpointState> {
    const map = new Map<string, EndpointState>();
    for (const r of this.#all.all()) {
      map.set(r.endpoint_id, {
        state: r.state,
        disabledReason: r.disabled_reason,
        consecutiveFailures: r.consecutive_failures,
        failingSince: r.failing_since,
        lastSuccessAt: r.last_success_at,
        configHash: r.config_hash,
      });
    }
    return map;
  }

  /** Writes one endpoint's state, its failure counters aside (storage/stores.ts EndpointStateStore.save). */
  save(id: string, s: EndpointState): void {
    this.#upsert.run(id, s.state, s.disabledReason, s.configHash);
  }

  /** As save, and ends the failing streak (EndpointStateStore.saveReset). */
  saveReset(id: string, s: EndpointState): void {
    this.#upsertReset.run(id, s.state, s.disabledReason, s.configHash);
  }

  /** Moves the endpoint's pending deliveries to held; answers how many. */
  holdPending(id: string, now: number): number {
    return this.#hold.run(now, id).changes;
  }

  /** Makes the endpoint's held deliveries due now; answers how many. */
  releaseHeld(id: string, now: number): number {
    return this.#release.run(now, now, id).changes;
  }

  /** Whether the endpoint still has deliveries waiting. */
  hasBacklog(id: string): boolean {
    return this.#backlog.get(id)!.present === 1;
  }

  /** Gives rows created before the endpoint switched to `ordering: fifo` their key, so they queue too. */
  assignFifoKeys(id: string): void {
    this.#tx.immediate(() => {
      // Rows that had keys already have their marks; this runs at every start, so it walks the keys only after a switch.
      if (this.#assignFifoKeys.run(id).changes > 0) this.#heads.markFronts(id);
      return 0;
    });
  }
}
