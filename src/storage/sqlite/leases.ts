/**
 * @module storage/sqlite/leases
 * The leases of a node that is the database's only user: kept in memory,
 * beside the `in_flight` status the rows carry. A process that dies loses
 * them with everything else it had in flight, and the start-up requeue
 * (Claims.requeueInFlight) returns those rows to `pending`, which is what a
 * reaper elsewhere would do once they expired. The rate-limit buckets live
 * here for the same reason: one node's count is the whole count.
 */
import type { RateLimit } from "../../config/types";
import { TokenBucket } from "../../scheduler/rate-limit";
import type { HeldLease, Lease } from "../stores";

interface Held {
  readonly endpointId: string;
  readonly lease: Lease;
}

export class LocalLeases {
  readonly #bySeq = new Map<number, Held>();
  readonly #perEndpoint = new Map<string, number>();
  readonly #buckets = new Map<string, TokenBucket>();
  #token = 0;

  constructor(
    readonly owner: string,
    readonly leaseMs: number,
  ) {}

  /** Leases the endpoint currently holds. */
  held(endpointId: string): number {
    return this.#perEndpoint.get(endpointId) ?? 0;
  }

  /** Attempts the endpoint's rate limit lets start now. */
  tokens(endpointId: string, limit: RateLimit, now: number): number {
    let bucket = this.#buckets.get(endpointId);
    if (!bucket || bucket.limit.count !== limit.count || bucket.limit.perMs !== limit.perMs) {
      bucket = new TokenBucket(limit, now);
      this.#buckets.set(endpointId, bucket);
    }
    return bucket.available(now);
  }

  spend(endpointId: string, n: number): void {
    this.#buckets.get(endpointId)?.take(n);
  }

  grant(seq: number, endpointId: string, now: number): Lease {
    const lease = { owner: this.owner, token: ++this.#token, expiresAt: now + this.leaseMs };
    this.#bySeq.set(seq, { endpointId, lease });
    this.#perEndpoint.set(endpointId, this.held(endpointId) + 1);
    return lease;
  }

  /** Whether `token` is the row's lease now. */
  holds(seq: number, token: number): boolean {
    return this.#bySeq.get(seq)?.lease.token === token;
  }

  /** Extends each lease still held under its token to `now + leaseMs`; answers how many. */
  renew(held: readonly HeldLease[], now: number): number {
    let n = 0;
    for (const { seq, token } of held) {
      const current = this.#bySeq.get(seq);
      if (current?.lease.token !== token) continue;
      this.#bySeq.set(seq, { endpointId: current.endpointId, lease: { ...current.lease, expiresAt: now + this.leaseMs } });
      n++;
    }
    return n;
  }

  release(seq: number): void {
    const held = this.#bySeq.get(seq);
    if (!held) return;
    this.#bySeq.delete(seq);
    const left = this.held(held.endpointId) - 1;
    if (left > 0) this.#perEndpoint.set(held.endpointId, left);
    else this.#perEndpoint.delete(held.endpointId);
  }

  /** The rows whose lease ended at or before `now`. */
  expired(now: number): number[] {
    const seqs: number[] = [];
    for (const [seq, held] of this.#bySeq) if (held.lease.expiresAt <= now) seqs.push(seq);
    return seqs;
  }
}
