/**
 * @module storage/sqlite/claims
 * ClaimStore over outbox/claims.ts: the limits are applied to each request
 * before its rows are read, a round's rows are read endpoint by endpoint and
 * leased all in one transaction, as the daemon did before the interfaces,
 * and each leased row gets its lease in memory.
 */
import type { Database, Statement } from "bun:sqlite";
import type { Claims, DueRows } from "../../outbox/claims";
import { FifoHeads, MARKED_ROW, type MarkedRow } from "../../outbox/fifo-heads";
import type { ClaimedDelivery } from "../../outbox/types";
import type { Claim, ClaimRequest, ClaimStore, HeldLease, LeasedDelivery, RoundClaim } from "../stores";
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

  async claim(r: ClaimRequest, now: number): Promise<Claim> {
    return (await this.claimEach([r], r.limit, now))[0]!;
  }

  async claimEach(requests: readonly ClaimRequest[], free: number, now: number): Promise<RoundClaim[]> {
    const reads: { readonly asked: number; readonly due: DueRows | null }[] = [];
    const rows: ClaimedDelivery[] = [];
    for (const r of requests) {
      const asked = Math.max(0, Math.min(r.limit, free - rows.length));
      const limit = Math.min(asked, this.#allowed(r, now));
      const due = limit > 0 ? this.#claims.due({ endpointId: r.endpointId, fifo: r.fifo, limit }, now) : null;
      if (due) for (const row of due.rows) rows.push(row);
      reads.push({ asked, due });
    }
    const leased = new Map<string, LeasedDelivery[]>();
    for (const row of this.#claims.lease(rows, now)) {
      const d = { ...row, lease: this.#leases.grant(row.seq, row.endpointId, now) };
      const mine = leased.get(row.endpointId);
      if (mine) mine.push(d);
      else leased.set(row.endpointId, [d]);
    }
    return requests.map((r, i) => {
      const mine = leased.get(r.endpointId) ?? [];
      if (r.rateLimit !== null) this.#leases.spend(r.endpointId, mine.length);
      return { leased: mine, next: reads[i]!.due?.next, asked: reads[i]!.asked };
    });
  }

  /** How many rows the endpoint's limits let this node lease now. */
  #allowed(r: ClaimRequest, now: number): number {
    let limit = r.limit;
    if (r.maxInFlight !== null) limit = Math.min(limit, r.maxInFlight - this.#leases.held(r.endpointId));
    if (r.rateLimit !== null) limit = Math.min(limit, this.#leases.tokens(r.endpointId, r.rateLimit, now));
    return limit;
  }

  async nextDueAt(endpointId: string, fifo: boolean): Promise<number | null> {
    // A limit of 0 reads one row: the earliest pending (for FIFO, head), due or not.
    return this.#claims.due({ endpointId, fifo, limit: 0 }, Number.NEGATIVE_INFINITY).next;
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

  /** For the one contract of both drivers: the daemon never renews here, as no other process reaps this file's leases. */
  async renew(held: readonly HeldLease[], now: number): Promise<number> {
    return this.#leases.renew(held, now);
  }

  #requeueLeases(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    const n = this.#requeue.immediate(seqs);
    for (const seq of seqs) this.#leases.release(seq);
    return n;
  }
}
