/**
 * @module outbox/outcomes
 * Records finished attempts: the attempt row and the delivery's new state.
 * The scheduler calls it for a batch of completions inside one transaction
 * that also carries any endpoint state changes those completions caused.
 * A FIFO head's outcome settles its key's marks in the same transaction.
 */
import type { Database, Statement } from "bun:sqlite";
import { FifoHeads, MARKED_ROW, type MarkedRow } from "./fifo-heads";

export interface AttemptRecord {
  readonly seq: number;
  /** Counts from 1. */
  readonly n: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  /** JSON of the headers sent. */
  readonly requestHeaders: string;
  readonly responseExcerpt: string | null;
  readonly status: "delivered" | "pending" | "failed" | "held" | "cancelled";
  readonly nextAttemptAt: number | null;
  readonly finishedAt: number;
}

export class Outcomes {
  readonly #insertAttempt: Statement;
  readonly #updateDelivery: Statement<MarkedRow>;
  readonly #heads: FifoHeads;

  constructor(db: Database) {
    this.#insertAttempt = db.prepare(
      `INSERT INTO attempts (delivery_seq, n, started_at, duration_ms, status_code, error, request_headers, response_excerpt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#updateDelivery = db.prepare(
      `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?,
         updated_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
       WHERE seq = ? RETURNING ${MARKED_ROW}`,
    );
    this.#heads = new FifoHeads(db);
  }

  /** Stores one attempt and the delivery state it led to. */
  record(a: AttemptRecord): void {
    this.#insertAttempt.run(a.seq, a.n, a.startedAt, a.durationMs, a.statusCode, a.error, a.requestHeaders, a.responseExcerpt);
    const row = this.#updateDelivery.get(a.status, a.n, a.nextAttemptAt, a.statusCode, a.error, a.finishedAt, a.status, a.finishedAt, a.seq);
    this.#heads.settleIfMarked(row);
  }
}
