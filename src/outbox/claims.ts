/**
 * @module outbox/claims
 * Leases due deliveries for attempts: selected and marked `in_flight` in one
 * transaction, so a row is never handed out twice. A crash leaves leased rows
 * `in_flight`; `requeueInFlight()` at start-up puts them back to `pending`
 * (the one case in which a receiver may see a duplicate).
 */
import type { Database, Statement } from "bun:sqlite";
import type { ClaimedDelivery } from "./types";

/** One endpoint's share of a claim round. */
export interface ClaimRequest {
  readonly endpointId: string;
  readonly fifo: boolean;
  readonly limit: number;
}

interface ClaimRow {
  seq: number;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  data: string;
  event_time: number;
  attempts: number;
  created_at: number;
  fifo_key: string | null;
}

const CLAIM_COLUMNS = `d.seq, d.endpoint_id, d.event_id, d.event_type, e.data,
  COALESCE(e.occurred_at, e.created_at) AS event_time, d.attempts, d.created_at, d.fifo_key`;

// The heads of an endpoint's FIFO keys: the oldest active row per key. A key
// whose head is in flight or not yet due yields nothing, which is what blocks it.
const FIFO_HEADS = `SELECT MIN(seq) FROM deliveries
  WHERE endpoint_id = :endpoint AND fifo_key IS NOT NULL AND status IN ('pending', 'in_flight')
  GROUP BY fifo_key`;

/** The claim-path statements, exported so a test can check each one's query plan. */
export const CLAIM_SQL = {
  due: `SELECT ${CLAIM_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE d.endpoint_id = :endpoint AND d.status = 'pending' AND d.next_attempt_at <= :now
    ORDER BY d.next_attempt_at LIMIT :limit`,
  fifoDue: `SELECT ${CLAIM_COLUMNS} FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE d.seq IN (${FIFO_HEADS}) AND d.status = 'pending' AND d.next_attempt_at <= :now
    ORDER BY d.seq LIMIT :limit`,
  lease: "UPDATE deliveries SET status = 'in_flight', updated_at = ? WHERE seq = ?",
  nextDue: "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE endpoint_id = :endpoint AND status = 'pending'",
  fifoNextDue: `SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE seq IN (${FIFO_HEADS}) AND status = 'pending'`,
  requeue: "UPDATE deliveries SET status = 'pending' WHERE status = 'in_flight'",
} as const;

export class Claims {
  readonly #due: Statement<ClaimRow>;
  readonly #fifoDue: Statement<ClaimRow>;
  readonly #lease: Statement;
  readonly #nextDue: Statement<{ at: number | null }>;
  readonly #fifoNextDue: Statement<{ at: number | null }>;
  readonly #requeue: Statement;
  readonly #claimAll: { immediate: (requests: readonly ClaimRequest[], now: number) => ClaimedDelivery[] };

  constructor(db: Database) {
    this.#due = db.prepare(CLAIM_SQL.due);
    this.#fifoDue = db.prepare(CLAIM_SQL.fifoDue);
    this.#lease = db.prepare(CLAIM_SQL.lease);
    this.#nextDue = db.prepare(CLAIM_SQL.nextDue);
    this.#fifoNextDue = db.prepare(CLAIM_SQL.fifoNextDue);
    this.#requeue = db.prepare(CLAIM_SQL.requeue);
    this.#claimAll = db.transaction((requests: readonly ClaimRequest[], now: number) => {
      const claimed: ClaimedDelivery[] = [];
      for (const r of requests) {
        const rows = (r.fifo ? this.#fifoDue : this.#due).all({ endpoint: r.endpointId, now, limit: r.limit });
        for (const row of rows) {
          this.#lease.run(now, row.seq);
          claimed.push(toClaimed(row));
        }
      }
      return claimed;
    });
  }

  /** Leases up to each request's limit of due rows, all endpoints in one transaction. */
  claim(requests: readonly ClaimRequest[], now: number): ClaimedDelivery[] {
    return requests.length === 0 ? [] : this.#claimAll.immediate(requests, now);
  }

  /** When the endpoint's next pending row becomes due (for FIFO, the next head); null when none waits. */
  nextDueAt(endpointId: string, fifo: boolean): number | null {
    return (fifo ? this.#fifoNextDue : this.#nextDue).get({ endpoint: endpointId })?.at ?? null;
  }

  /** Returns rows a crashed process left in flight to the queue; answers how many. */
  requeueInFlight(): number {
    return this.#requeue.run().changes;
  }
}

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    seq: row.seq,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventData: row.data,
    eventTime: row.event_time,
    attempts: row.attempts,
    createdAt: row.created_at,
    fifoKey: row.fifo_key,
  };
}
