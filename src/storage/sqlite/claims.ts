/**
 * @module storage/sqlite/claims
 * ClaimStore over outbox/claims.ts: the limits are applied to the request
 * before the rows are read, so reading and leasing stay exactly what the
 * daemon does today, and each leased row gets its lease in memory.
 */
import type { Database, Statement } from "bun:sqlite";
import type { Claims } from "../../outbox/claims";
import { FifoHeads, MARKED_ROW, type MarkedRow } from "../../outbox/fifo-heads";
import type { ClaimRequest, ClaimStore, LeasedDelivery } from "../stores";
import type { LocalLeases } from "./leases";

export class SqliteClaims implements ClaimStore {
  readonly #claims: Claims;
  readonly #leases: LocalLeases;
  readonly #requeueOne: Statement<MarkedRow>;
  readonly #requeue: { immediate: (seqs: readonly number[]) => number };

  constructor(db: Database, claims: Claims, leases: LocalLeases) {
    this.#claims = claims;
    this.#leases = leases;
    // One row back to the queue, only if no outcome moved it on meanwhile.
    this.#requeueOne = db.prepare(`UPDATE deliveries SET status = 'pending' WHERE seq = ? AND status = 'in_flight' RETURNING ${MARKED_ROW}`);
    const heads = new FifoHeads(db);
    this.#requeue = db.transaction((seqs: readonly number[]) =>
      seqs.reduce((n, seq) => {
        const row = this.#requeueOne.get(seq);
        heads.settleIfMarked(row);
        return n + (row ? 1 : 0);
      }, 0),
    );
  }

  async claim(r: ClaimRequest, now: number): Promise<LeasedDelivery[]> {
    let limit = r.limit;
    if (r.maxInFlight !== null) limit = Math.min(limit, r.maxInFlight - this.#leases.held(r.endpointId));
    if (r.rateLimit !== null) limit = Math.min(limit, this.#leases.tokens(r.endpointId, r.rateLimit, now));
    if (limit <= 0) return [];
    const leased = this.#claims.lease(this.#claims.due({ endpointId: r.endpointId, fifo: r.fifo, limit }, now).rows, now);
    if (r.rateLimit !== null) this.#leases.spend(r.endpointId, leased.length);
    return leased.map((row) => ({ ...row, lease: this.#leases.grant(row.seq, row.endpointId, now) }));
  }

  async nextDueAt(endpointId: string, fifo: boolean): Promise<number | null> {
    // A limit of 0 reads one row: the earliest pending (for FIFO, head), due or not.
    return this.#claims.due({ endpointId, fifo, limit: 0 }, Number.NEGATIVE_INFINITY).next;
  }

  async dueEndpoints(): Promise<{ id: string; at: number }[]> {
    return this.#claims.dueEndpoints();
  }

  async reapExpired(now: number): Promise<number> {
    const seqs = this.#leases.expired(now);
    if (seqs.length === 0) return 0;
    const n = this.#requeue.immediate(seqs);
    for (const seq of seqs) this.#leases.release(seq);
    return n;
  }
}
