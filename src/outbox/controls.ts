/**
 * @module outbox/controls
 * Operator actions on deliveries: retry (queue now) and cancel, one at a time
 * or a page at a time. Each statement re-checks the status it changes from,
 * so a row the scheduler moved meanwhile is left alone. Each change settles
 * the FIFO head marks it affects in the same transaction.
 */
import type { Database, Statement } from "bun:sqlite";
import type { RunInTransaction } from "../db/transaction";
import { type DeliveryFilter, EVENT_TENANT, FilteredPages } from "./delivery-filter";
import { FifoHeads, MARKED_ROW, type MarkedRow } from "./fifo-heads";
import type { DeliveryStatus } from "./types";

/** The statuses a retry or a cancel may start from. */
export const RETRYABLE = ["pending", "failed", "delivered"] as const satisfies readonly DeliveryStatus[];
export const CANCELLABLE = ["pending", "held"] as const satisfies readonly DeliveryStatus[];

/** `other_tenant`: the delivery's event is not of the tenant its endpoint has now. */
export type ControlResult = "done" | "missing" | "wrong_state" | "other_tenant";

/** What a page of a bulk action did. */
export interface PageResult {
  readonly changed: number;
  /** Rows that matched the filter in this page. */
  readonly examined: number;
  /** The highest seq examined (null when none matched). */
  readonly last: number | null;
  /** The endpoints of the rows changed, each once. */
  readonly endpointIds: readonly string[];
}

/**
 * Where a retried delivery goes: `pending` (due now), `held` (its endpoint
 * is disabled or removed), or nowhere (null: its endpoint has been given
 * another tenant than its event's).
 */
export type RetryTo = (endpointId: string, tenant: string | null) => "pending" | "held" | null;

const inList = (statuses: readonly DeliveryStatus[]) => statuses.map((s) => `'${s}'`).join(", ");

export class Controls {
  readonly #tx: RunInTransaction;
  readonly #find: Statement<{ endpoint_id: string; status: DeliveryStatus; tenant: string | null }>;
  readonly #retry: Statement;
  readonly #cancel: Statement<MarkedRow>;
  readonly #heads: FifoHeads;
  readonly #page: FilteredPages<{ seq: number; endpoint_id: string; tenant: string | null }>;

  constructor(db: Database, tx: RunInTransaction) {
    this.#tx = tx;
    this.#find = db.prepare(`SELECT endpoint_id, status, ${EVENT_TENANT} AS tenant FROM deliveries WHERE seq = ?`);
    // The attempt count is kept: attempt numbers stay unique, and the timetable goes on from where it was.
    this.#retry = db.prepare(
      `UPDATE deliveries SET status = :status, next_attempt_at = :now, updated_at = :now
       WHERE seq = :seq AND status IN (${inList(RETRYABLE)})`,
    );
    this.#cancel = db.prepare(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = :now
       WHERE seq = :seq AND status IN (${inList(CANCELLABLE)}) RETURNING ${MARKED_ROW}`,
    );
    this.#heads = new FifoHeads(db);
    this.#page = new FilteredPages(db, `seq, endpoint_id, ${EVENT_TENANT} AS tenant`, "ASC");
  }

  /** Queues one pending, failed or delivered delivery to be attempted now (held if its endpoint cannot receive). */
  retry(seq: number, now: number, retryTo: RetryTo): ControlResult {
    const row = this.#find.get(seq);
    if (!row) return "missing";
    const to = retryTo(row.endpoint_id, row.tenant);
    if (to === null) return "other_tenant";
    return this.#tx(() => this.#requeue(seq, now, to)) ? "done" : "wrong_state";
  }

  /** Cancels one pending or held delivery. */
  cancel(seq: number, now: number): ControlResult {
    if (this.#tx(() => this.#cancelOne(seq, now))) return "done";
    return this.#find.get(seq) ? "wrong_state" : "missing";
  }

  /** Retries up to `limit` rows matching `filter`, lowest seq first, in one transaction. */
  retryPage(filter: DeliveryFilter, limit: number, now: number, retryTo: RetryTo): PageResult {
    return this.#tx(() => {
      const rows = this.#page.page(filter, limit);
      const endpointIds = new Set<string>();
      let changed = 0;
      for (const r of rows) {
        const to = retryTo(r.endpoint_id, r.tenant);
        if (to === null || !this.#requeue(r.seq, now, to)) continue;
        changed++;
        endpointIds.add(r.endpoint_id);
      }
      return { changed, examined: rows.length, last: rows.at(-1)?.seq ?? null, endpointIds: [...endpointIds] };
    });
  }

  /** Cancels up to `limit` rows matching `filter`, lowest seq first, in one transaction. */
  cancelPage(filter: DeliveryFilter, limit: number, now: number): PageResult {
    return this.#tx(() => {
      const rows = this.#page.page(filter, limit);
      const endpointIds = new Set<string>();
      let changed = 0;
      for (const r of rows) {
        if (!this.#cancelOne(r.seq, now)) continue;
        changed++;
        endpointIds.add(r.endpoint_id);
      }
      return { changed, examined: rows.length, last: rows.at(-1)?.seq ?? null, endpointIds: [...endpointIds] };
    });
  }

  /** Queues one row again as `status`; false when its status allows no retry. */
  #requeue(seq: number, now: number, status: "pending" | "held"): boolean {
    if (this.#retry.run({ seq, now, status }).changes === 0) return false;
    this.#heads.rejoined(seq);
    return true;
  }

  /** Cancels one row; false when its status allows no cancel. */
  #cancelOne(seq: number, now: number): boolean {
    const row = this.#cancel.get({ seq, now });
    this.#heads.settleIfMarked(row);
    return row !== null;
  }
}
