/**
 * @module outbox/fifo-heads
 * The FIFO head marks (deliveries.fifo_head, migration 008), kept by every
 * writer that moves a FIFO row into or out of the waiting set, inside its
 * own transaction. With the marks right, a FIFO claim is one seek on
 * deliveries_fifo_due, however long each key's queue is.
 *
 * A key's waiting rows are its pending, in-flight and held ones; its front is
 * the oldest of them. Mark 1 (the head) is on the front, the one row of the
 * key a claim may take, unless the head is in flight and an older row was
 * retried by hand meanwhile: then the head keeps mark 1, so the key has one
 * attempt at a time, and the retried row, now the front, waits with mark 2
 * until the head's attempt ends. Every other row has 0.
 *
 * Only a marked row can move the front: a row that leaves the waiting set
 * hands its mark to the next waiting row after it (a seek on
 * deliveries_fifo_key), and one that enters it is marked only if it is older
 * than the key's front or the key has none.
 */
import type { Database, Statement } from "bun:sqlite";

/** The statuses of a key's waiting rows, as an SQL list. */
export const WAITING = "('pending', 'in_flight', 'held')";

/**
 * The mark of a row being inserted, given the SQL of its endpoint, FIFO key
 * and status: 1 when it is FIFO, waiting, and its key has no waiting row
 * (no marked row); 0 otherwise. Only a FIFO row pays for the lookup.
 */
export function newRowMark(endpoint: string, key: string, status: string): string {
  return `CASE WHEN ${key} IS NOT NULL AND ${status} IN ${WAITING} THEN NOT EXISTS (
    SELECT 1 FROM deliveries WHERE endpoint_id = ${endpoint} AND fifo_key = ${key} AND fifo_head > 0) ELSE 0 END`;
}

const HEAD = 1;
const NEXT = 2;

interface Mark {
  seq: number;
  status: string;
  fifo_head: number;
}

/** What a status change answers (UPDATE … RETURNING) so the caller can tell whether the marks need settling. */
export interface MarkedRow {
  endpoint_id: string;
  fifo_key: string | null;
  fifo_head: number;
}

/** The columns a status change returns for settleIfMarked(). */
export const MARKED_ROW = "endpoint_id, fifo_key, fifo_head";

/** The statements, exported so a test can check each one's query plan. */
export const FIFO_HEADS_SQL = {
  // Two at most: the head, and a row retried by hand that waits for it.
  marks: "SELECT seq, status, fifo_head FROM deliveries WHERE endpoint_id = ?1 AND fifo_key = ?2 AND fifo_head > 0 LIMIT 2",
  // +?1, +?2: a bare parameter made this several times slower (see the claim statements in outbox/claims.ts).
  after: `SELECT seq, status, fifo_head FROM deliveries
    WHERE endpoint_id = +?1 AND fifo_key = +?2 AND seq > ?3 AND status IN ${WAITING} ORDER BY seq LIMIT 1`,
  mark: "UPDATE deliveries SET fifo_head = ?2 WHERE seq = ?1",
  row: `SELECT seq, ${MARKED_ROW} FROM deliveries WHERE seq = ?1`,
  // The walks over many keys take one key a step, in key order from a cursor,
  // ordered as the marks index is so that SQLite walks it, not every FIFO row.
  nextLeftKey: `SELECT fifo_key FROM deliveries
    WHERE endpoint_id = +?1 AND fifo_key >= ?2 AND fifo_head > 0 AND status NOT IN ${WAITING} ORDER BY fifo_key, fifo_head LIMIT 1`,
  nextWaitingKey: `SELECT endpoint_id, fifo_key FROM deliveries
    WHERE (endpoint_id, fifo_key) > (?1, ?2) AND fifo_head > 0 AND fifo_head = 2 ORDER BY endpoint_id, fifo_key LIMIT 1`,
  // A key with no marked row gets its front marked: keys just given to an
  // endpoint's rows when it switched to FIFO. Keys that had marks keep them.
  markFronts: `UPDATE deliveries SET fifo_head = 1 WHERE seq IN (
      SELECT MIN(seq) FROM deliveries WHERE endpoint_id = ?1 AND fifo_key IS NOT NULL AND status IN ${WAITING}
      GROUP BY fifo_key HAVING MAX(fifo_head) = 0)`,
} as const;

export class FifoHeads {
  readonly #marks: Statement<Mark>;
  readonly #after: Statement<Mark>;
  readonly #mark: Statement;
  readonly #row: Statement<MarkedRow & { seq: number }>;
  readonly #nextLeftKey: Statement<{ fifo_key: string }>;
  readonly #nextWaitingKey: Statement<{ endpoint_id: string; fifo_key: string }>;
  readonly #markFronts: Statement;

  constructor(db: Database) {
    this.#marks = db.prepare(FIFO_HEADS_SQL.marks);
    this.#after = db.prepare(FIFO_HEADS_SQL.after);
    this.#mark = db.prepare(FIFO_HEADS_SQL.mark);
    this.#row = db.prepare(FIFO_HEADS_SQL.row);
    this.#nextLeftKey = db.prepare(FIFO_HEADS_SQL.nextLeftKey);
    this.#nextWaitingKey = db.prepare(FIFO_HEADS_SQL.nextWaitingKey);
    this.#markFronts = db.prepare(FIFO_HEADS_SQL.markFronts);
  }

  /**
   * Puts the key's marks right after one of its marked rows changed status:
   * the front is found from the oldest mark (a row that left hands it to the
   * next waiting row after it), and the head moves to the front unless it is
   * in flight.
   */
  settle(endpointId: string, key: string): void {
    const marks = this.#marks.all(endpointId, key);
    const head = marks.find((m) => m.fifo_head === HEAD);
    const oldest = marks.find((m) => m.fifo_head === NEXT) ?? head;
    if (!oldest) return;
    const front = isWaiting(oldest.status) ? oldest : this.#after.get(endpointId, key, oldest.seq);
    const want = new Map<number, number>();
    if (head && head.status === "in_flight" && head.seq !== front?.seq) {
      want.set(head.seq, HEAD);
      if (front) want.set(front.seq, NEXT);
    } else if (front) {
      want.set(front.seq, HEAD);
    }
    for (const m of marks) if (!want.has(m.seq)) this.#mark.run(m.seq, 0);
    for (const [seq, mark] of want) if (marks.find((m) => m.seq === seq)?.fifo_head !== mark) this.#mark.run(seq, mark);
  }

  /** settle() for a row whose status just changed, if it carries a mark. */
  settleIfMarked(row: MarkedRow | null): void {
    if (row && row.fifo_head > 0 && row.fifo_key !== null) this.settle(row.endpoint_id, row.fifo_key);
  }

  /**
   * A row came back to the waiting set (retried by hand): it becomes the
   * key's front if it is older than the front or the key had none. While the
   * head is in flight it waits for it (mark 2) instead of being attempted beside it.
   */
  rejoined(seq: number): void {
    const row = this.#row.get(seq);
    if (!row || row.fifo_key === null || row.fifo_head > 0) return;
    const marks = this.#marks.all(row.endpoint_id, row.fifo_key);
    const oldest = marks.find((m) => m.fifo_head === NEXT) ?? marks.find((m) => m.fifo_head === HEAD);
    if (oldest && oldest.seq < seq) return;
    if (oldest?.fifo_head === NEXT) this.#mark.run(oldest.seq, 0);
    this.#mark.run(seq, oldest ? NEXT : HEAD);
    this.settle(row.endpoint_id, row.fifo_key);
  }

  /** After a change of many of an endpoint's rows at once: settles each key whose marked row left the waiting set. */
  settleLeft(endpointId: string): void {
    // From '', the least key. A settled key has no mark on a row that left, so
    // asking again from it (>=) moves on to the next.
    for (let key = this.#nextLeftKey.get(endpointId, ""); key; key = this.#nextLeftKey.get(endpointId, key.fifo_key)) {
      this.settle(endpointId, key.fifo_key);
    }
  }

  /** After in-flight rows were requeued: each row waiting for a head (mark 2) takes over from it. */
  settleWaiting(): void {
    // Endpoint ids are never empty, so ('', '') is before every key.
    for (let key = this.#nextWaitingKey.get("", ""); key; key = this.#nextWaitingKey.get(key.endpoint_id, key.fifo_key)) {
      this.settle(key.endpoint_id, key.fifo_key);
    }
  }

  /** Marks the fronts of the endpoint's keys that have none (rows just given FIFO keys). */
  markFronts(endpointId: string): void {
    this.#markFronts.run(endpointId);
  }
}

function isWaiting(status: string): boolean {
  return status === "pending" || status === "in_flight" || status === "held";
}
