/**
 * @module stats/tally
 * Adds up the attempts of one flush of outcomes per (endpoint, minute), and
 * for the whole relay per minute, so the flush writes one rollup row per
 * endpoint and minute it touched instead of one per attempt. Lives for one
 * outcome transaction: a transaction that fails is retried with a new tally.
 */
import type { ResultLabel } from "../delivery/classify";
import { LATENCY_BUCKETS, latencyBucket } from "./latency";

/** The rollup key of the whole relay: endpoint ids are never empty. */
export const RELAY_SCOPE = "";

/** The rollup key of one tenant's endpoints together: endpoint ids never hold a colon. */
export function tenantScopeKey(tenant: string): string {
  return `tenant:${tenant}`;
}

/** One (endpoint, minute) row's increments. */
export interface RollupDelta {
  readonly endpointId: string;
  /** Unix minutes of when the attempts finished. */
  readonly minute: number;
  attempts: number;
  readonly results: Record<ResultLabel, number>;
  delivered: number;
  failed: number;
  latencyMaxMs: number;
  readonly latency: number[];
}

/** How an attempt left its delivery, for the delivered / failed counts. */
export type Ending = "delivered" | "failed" | null;

export class AttemptTally {
  readonly #rows = new Map<string, RollupDelta>();

  /** Counts one finished attempt of `endpointId`, for that endpoint, its tenant (if any) and the relay. */
  add(endpointId: string, tenant: string | null, finishedAt: number, label: ResultLabel, durationMs: number, ending: Ending): void {
    const minute = Math.floor(finishedAt / 60_000);
    const bucket = latencyBucket(durationMs);
    this.#count(this.#row(endpointId, minute), label, durationMs, bucket, ending);
    if (tenant !== null) this.#count(this.#row(tenantScopeKey(tenant), minute), label, durationMs, bucket, ending);
    this.#count(this.#row(RELAY_SCOPE, minute), label, durationMs, bucket, ending);
  }

  /** The rows to upsert, one per (endpoint, minute) touched. */
  rows(): IterableIterator<RollupDelta> {
    return this.#rows.values();
  }

  #row(endpointId: string, minute: number): RollupDelta {
    const key = `${minute} ${endpointId}`;
    let row = this.#rows.get(key);
    if (!row) {
      row = {
        endpointId,
        minute,
        attempts: 0,
        results: { success: 0, http_error: 0, timeout: 0, network: 0, blocked: 0 },
        delivered: 0,
        failed: 0,
        latencyMaxMs: 0,
        latency: new Array<number>(LATENCY_BUCKETS).fill(0),
      };
      this.#rows.set(key, row);
    }
    return row;
  }

  #count(row: RollupDelta, label: ResultLabel, durationMs: number, bucket: number, ending: Ending): void {
    row.attempts++;
    row.results[label]++;
    if (ending === "delivered") row.delivered++;
    else if (ending === "failed") row.failed++;
    if (durationMs > row.latencyMaxMs) row.latencyMaxMs = durationMs;
    row.latency[bucket]!++;
  }
}
