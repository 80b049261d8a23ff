/**
 * @module outbox/rollups
 * The per-minute attempt rollups (migration 006): the upsert each outcome
 * transaction makes and the range read behind the stats API. A read walks the primary key (endpoint_id, minute) over its
 * window only — at most one row per minute — so its cost does not depend on
 * how many attempts are stored. Retention's batched delete of old rows is in
 * outbox/retention.ts.
 */
import type { Database, Statement } from "bun:sqlite";
import { LATENCY_BUCKETS } from "../stats/latency";
import type { AttemptTally } from "../stats/tally";

const LAT = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat${i}`);
const COUNTS = ["attempts", "success", "http_error", "timeout", "network", "blocked", "delivered", "failed", ...LAT];

/** One bucket of a read: sums over the minutes it spans. */
export interface RollupBucket {
  /** Index of the bucket: minute / step. */
  bucket: number;
  attempts: number;
  success: number;
  http_error: number;
  timeout: number;
  network: number;
  blocked: number;
  delivered: number;
  failed: number;
  latency_max_ms: number;
  [lat: `lat${number}`]: number;
}

export const UPSERT_ROLLUP_SQL = `INSERT INTO attempt_rollups (endpoint_id, minute, ${COUNTS.join(", ")}, latency_max_ms)
  VALUES (${Array.from({ length: COUNTS.length + 3 }, () => "?").join(", ")})
  ON CONFLICT (endpoint_id, minute) DO UPDATE SET
  ${COUNTS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")},
  latency_max_ms = max(latency_max_ms, excluded.latency_max_ms)`;

/** Buckets of `step` minutes of one scope's rows in [from, to) minutes. Parameters: scope, from, to, step. */
export const READ_ROLLUPS_SQL = `SELECT minute / ?4 AS bucket, ${COUNTS.map((c) => `SUM(${c}) AS ${c}`).join(", ")},
  MAX(latency_max_ms) AS latency_max_ms
  FROM attempt_rollups WHERE endpoint_id = ?1 AND minute >= ?2 AND minute < ?3
  GROUP BY bucket ORDER BY bucket`;

export class Rollups {
  readonly #upsert: Statement;
  readonly #read: Statement<RollupBucket>;

  constructor(db: Database) {
    this.#upsert = db.prepare(UPSERT_ROLLUP_SQL);
    this.#read = db.prepare(READ_ROLLUPS_SQL);
  }

  /** Adds a flush's tally to the stored rows; runs inside the outcome transaction. */
  save(tally: AttemptTally): void {
    for (const r of tally.rows()) {
      const x = r.results;
      this.#upsert.run(r.endpointId, r.minute, r.attempts, x.success, x.http_error, x.timeout, x.network, x.blocked, r.delivered, r.failed, ...r.latency, r.latencyMaxMs);
    }
  }

  /** Sums of `scope`'s rows (an endpoint id, or RELAY_SCOPE) in buckets of `step` minutes over [from, to). */
  read(scope: string, fromMinute: number, toMinute: number, stepMinutes: number): RollupBucket[] {
    return this.#read.all(scope, fromMinute, toMinute, stepMinutes);
  }
}
