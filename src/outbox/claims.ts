/**
 * @module outbox/claims
 * Leases due deliveries for attempts: due rows are read, then marked
 * `in_flight` only if still `pending`, so a row is never handed out twice.
 * A crash leaves leased rows `in_flight`; `requeueInFlight()` at start-up puts
 * them back to `pending` (the one case in which a receiver may see a duplicate).
 *
 * A lease needs no fsync: losing it to a power cut leaves the row
 * `pending`, exactly what `requeueInFlight()` would make of it, and the next
 * durable commit syncs the WAL and with it every lease written before. So
 * leases commit with synchronous=NORMAL even when the database runs FULL
 * (db/relaxed-sync.ts); each lease round would otherwise cost an fsync that
 * blocks the event loop.
 */
import type { Database, Statement } from "bun:sqlite";
import { type Relaxed, relaxedSync } from "../db/relaxed-sync";
import { WITH_ENDPOINT_IDS } from "./endpoint-ids";
import { FifoHeads } from "./fifo-heads";
import type { ClaimedDelivery } from "./types";

/** One endpoint's share of a claim round. */
export interface ClaimRequest {
  readonly endpointId: string;
  readonly fifo: boolean;
  readonly limit: number;
}

/** An endpoint's due rows, and when it is due next. */
export interface DueRows {
  readonly rows: ClaimedDelivery[];
  /**
   * When the first pending row not read falls due (at or before now: more
   * are due than were asked for); null when none waits. For FIFO, of the
   * heads only: a key's next row is due once its head has finished.
   */
  readonly next: number | null;
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

// One row past the limit, due or not, and no bound on the time: the first
// row not taken tells when the endpoint is due next, which saves a second
// query per endpoint and round (with many endpoints, most have one row).
// `+:endpoint` changes neither the plan nor the answer, but with a bare
// parameter compared by = in a statement with an ORDER BY, each run took
// several times longer in the SQLite bun ships, as if prepared again at each
// binding (a claim of 32 rows: 221 → 141 us; the same holds for the FIFO
// hand-on in outbox/fifo-heads.ts).
const due = (heads: string) => `SELECT ${CLAIM_COLUMNS}, d.next_attempt_at FROM deliveries d JOIN events e ON e.id = d.event_id
    WHERE d.endpoint_id = +:endpoint AND ${heads}d.status = 'pending'
    ORDER BY d.next_attempt_at LIMIT :limit + 1`;

/** The claim-path statements, exported so a test can check each one's query plan. */
export const CLAIM_SQL = {
  due: due(""),
  // The same walk over the heads only (outbox/fifo-heads.ts): a key whose head
  // is in flight or not yet due yields nothing, which is what blocks it.
  fifoDue: due("d.fifo_head = 1 AND "),
  // A round's rows in one statement, as a JSON array of seqs: one run per
  // round instead of one per row (a 40-row lease: 8-9 → 5.7 us a row).
  lease: `UPDATE deliveries SET status = 'in_flight', updated_at = ?1
    WHERE seq IN (SELECT value FROM json_each(?2)) AND status = 'pending' RETURNING seq`,
  requeue: `${WITH_ENDPOINT_IDS} UPDATE deliveries SET status = 'pending'
    WHERE endpoint_id IN (SELECT id FROM endpoint_ids) AND status = 'in_flight'`,
  // Each endpoint with pending rows and its earliest: one seek per endpoint on
  // the due index, skipping from one id to the next, however large the backlog.
  dueEndpoints: `WITH RECURSIVE due(id) AS (
      SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending'
      UNION ALL
      SELECT (SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending' AND endpoint_id > due.id) FROM due WHERE due.id IS NOT NULL
    )
    SELECT id, (SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending' AND endpoint_id = due.id) AS at
    FROM due WHERE id IS NOT NULL`,
} as const;

export class Claims {
  readonly #due: Statement<ClaimRow & { next_attempt_at: number }>;
  readonly #fifoDue: Statement<ClaimRow & { next_attempt_at: number }>;
  readonly #lease: Statement<{ seq: number }>;
  readonly #requeue: { immediate: () => number };
  readonly #dueEndpoints: Statement<{ id: string; at: number }>;
  readonly #leaseAll: { immediate: (rows: readonly ClaimedDelivery[], now: number) => ClaimedDelivery[] };
  readonly #relaxed: Relaxed;

  constructor(db: Database) {
    this.#due = db.prepare(CLAIM_SQL.due);
    this.#fifoDue = db.prepare(CLAIM_SQL.fifoDue);
    this.#lease = db.prepare(CLAIM_SQL.lease);
    const requeue = db.prepare(CLAIM_SQL.requeue);
    const heads = new FifoHeads(db);
    // A FIFO row retried by hand while its key's head was in flight takes over now that none is.
    this.#requeue = db.transaction(() => {
      const n = requeue.run().changes;
      if (n > 0) heads.settleWaiting();
      return n;
    });
    this.#dueEndpoints = db.prepare(CLAIM_SQL.dueEndpoints);
    this.#leaseAll = db.transaction((rows: readonly ClaimedDelivery[], now: number) => {
      const leased = new Set(this.#lease.all(now, JSON.stringify(rows.map((row) => row.seq))).map((r) => r.seq));
      return rows.filter((row) => leased.has(row.seq));
    });
    this.#relaxed = relaxedSync(db);
  }

  /**
   * Reads up to `r.limit` of the endpoint's due rows, oldest due first (for
   * FIFO, the due heads of its keys). Reading takes no write lock: a round
   * reads each endpoint's rows, then leases them all in one transaction, and
   * a round with nothing due commits nothing.
   */
  due(r: ClaimRequest, now: number): DueRows {
    const read = (r.fifo ? this.#fifoDue : this.#due).all({ endpoint: r.endpointId, limit: r.limit });
    const rows: ClaimedDelivery[] = [];
    for (const row of read) {
      if (row.next_attempt_at > now || rows.length === r.limit) return { rows, next: row.next_attempt_at };
      rows.push(toClaimed(row));
    }
    return { rows, next: null };
  }

  /**
   * Leases rows read by `due()`, all in one transaction; answers those
   * leased. A row another writer took in between is skipped by the lease's
   * `status = 'pending'` condition, so a row is never handed out twice.
   */
  lease(rows: readonly ClaimedDelivery[], now: number): ClaimedDelivery[] {
    if (rows.length === 0) return [];
    return this.#relaxed(() => this.#leaseAll.immediate(rows, now));
  }

  /** Every endpoint with pending deliveries and when its earliest falls due (for FIFO endpoints perhaps earlier than its next head). */
  dueEndpoints(): { id: string; at: number }[] {
    return this.#dueEndpoints.all();
  }

  /** Returns rows a crashed process left in flight to the queue; answers how many. */
  requeueInFlight(): number {
    return this.#requeue.immediate();
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
