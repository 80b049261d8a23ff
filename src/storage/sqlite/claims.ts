/**
 * @module storage/sqlite/claims
 * ClaimStore over outbox/claims.ts: the limits are applied to the request
 * before the rows are read, so reading and leasing stay exactly what the
 * daemon does today, and each leased row gets its lease in memory.
 */
import type { Database, Statement } from "bun:sqlite";
import type { Claims } from "../../outbox/claims";
import type { Claim, ClaimRequest, ClaimStore } from "../stores";
import type { LocalLeases } from "./leases";

export class SqliteClaims implements ClaimStore {
  readonly #claims: Claims;
  readonly #leases: LocalLeases;
  readonly #requeueOne: Statement;
  readonly #requeue: { immediate: (seqs: readonly number[]) => number };

  constructor(db: Database, claims: Claims, leases: LocalLeases) {
    this.#claims = claims;
    this.#leases = leases;
    // One row back to the queue, only if no outcome moved it on meanwhile.
    this.#requeueOne = db.prepare("UPDATE deliveries SET status = 'pending' WHERE seq = ? AND status = 'in_flight'");
    this.#requeue = db.transaction((seqs: readonly number[]) => seqs.reduce((n, seq) => n + this.#requeueOne.run(seq).changes, 0));
  }

  async claim(r: ClaimRequest, now: number): Promise<Claim> {
    let limit = r.limit;
    if (r.maxInFlight !== null) limit = Math.min(limit, r.maxInFlight - this.#leases.held(r.endpointId));
    if (r.rateLimit !== null) limit = Math.min(limit, this.#leases.tokens(r.endpointId, r.rateLimit, now));
    if (limit <= 0) return { leased: [], next: undefined };
    const due = this.#claims.due({ endpointId: r.endpointId, fifo: r.fifo, limit }, now);
    const leased = this.#claims.lease(due.rows, now);
    if (r.rateLimit !== null) this.#leases.spend(r.endpointId, leased.length);
    return { leased: leased.map((row) => ({ ...row, lease: this.#leases.grant(row.seq, row.endpointId, now) })), next: due.next };
  }

  async nextDueAt(endpointId: string, fifo: boolean): Promise<number | null> {
    if (fifo) return this.#claims.fifoNextDueAt(endpointId);
    // A limit of 0 reads one row: the earliest pending, due or not.
    return this.#claims.due({ endpointId, fifo: false, limit: 0 }, Number.NEGATIVE_INFINITY).next ?? null;
  }

  async dueEndpoints(): Promise<{ id: string; at: number }[]> {
    return this.#claims.dueEndpoints();
  }

  async reapExpired(now: number): Promise<number> {
    return this.#requeueLeases(this.#leases.expired(now));
  }

  async releaseOwn(): Promise<number> {
    return this.#requeueLeases(this.#leases.expired(Number.POSITIVE_INFINITY));
  }

  #requeueLeases(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    const n = this.#requeue.immediate(seqs);
    for (const seq of seqs) this.#leases.release(seq);
    return n;
  }
}
