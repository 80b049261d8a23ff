/**
 * @module storage/postgres/outcomes
 * Records finished attempts in one transaction: the deliveries' new states
 * only while each lease token is still the one the attempt ran under (a node
 * whose lease expired and was taken over records nothing), then the attempt
 * rows, the endpoints' failure counters and the rollups. The deliveries and
 * the attempt rows of a flush are one statement each, their values one JSON
 * text parameter (text, cast in SQL: Bun's client sends a string bound to a
 * json parameter as a JSON string); two statements per attempt were half
 * of each delivery's round trips (BENCHMARKS.md, "PostgreSQL storage").
 * Each endpoint's row is locked (in id order, so two nodes' flushes never
 * wait on each other in a circle), its counters advanced over the flush's
 * attempts, and written once: counts from every node add up.
 */
import type { SQL } from "bun";
import { LATENCY_BUCKETS } from "../../stats/latency";
import type { AttemptTally } from "../../stats/tally";
import { advance, byEndpoint } from "../counters";
import type { EndpointCounters, LeasedAttempt, OutcomeResult, OutcomeStore } from "../stores";
import { num, numOrNull } from "./rows";

const LAT = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat${i}`);
const COUNTS = ["attempts", "success", "http_error", "timeout", "network", "blocked", "delivered", "failed", ...LAT];
const COUNTER_COLUMNS = "consecutive_failures, failing_since, last_success_at";

export const PG_OUTCOME_SQL = {
  finish: `UPDATE deliveries d SET status = u.status, attempts = u.n, next_attempt_at = u.next_attempt_at, last_status_code = u.status_code,
      last_error = u.error, updated_at = u.finished_at, delivered_at = CASE WHEN u.status = 'delivered' THEN u.finished_at ELSE d.delivered_at END,
      lease_owner = NULL, lease_expires_at = NULL
    FROM json_to_recordset($1::text::json) AS u(seq bigint, token bigint, status text, n integer, next_attempt_at bigint, status_code integer, error text, finished_at bigint)
    WHERE d.seq = u.seq AND d.status = 'in_flight' AND d.lease_token = u.token
    RETURNING d.seq`,
  attempts: `INSERT INTO attempts (delivery_seq, n, started_at, duration_ms, status_code, error, request_headers, response_excerpt)
    SELECT delivery_seq, n, started_at, duration_ms, status_code, error, request_headers, response_excerpt
    FROM json_to_recordset($1::text::json) AS a(delivery_seq bigint, n integer, started_at bigint, duration_ms bigint, status_code integer, error text,
      request_headers text, response_excerpt text)`,
  // Creates the row if need be and locks it until the transaction ends.
  lockCounters: `INSERT INTO endpoint_state (endpoint_id) VALUES ($1)
    ON CONFLICT (endpoint_id) DO UPDATE SET endpoint_id = excluded.endpoint_id RETURNING ${COUNTER_COLUMNS}`,
  writeCounters: "UPDATE endpoint_state SET consecutive_failures = $2, failing_since = $3, last_success_at = $4 WHERE endpoint_id = $1",
  rollup: `INSERT INTO attempt_rollups (endpoint_id, minute, ${COUNTS.join(", ")}, latency_max_ms)
    VALUES (${Array.from({ length: COUNTS.length + 3 }, (_, i) => `$${i + 1}`).join(", ")})
    ON CONFLICT (endpoint_id, minute) DO UPDATE SET
    ${COUNTS.map((c) => `${c} = attempt_rollups.${c} + excluded.${c}`).join(", ")},
    latency_max_ms = GREATEST(attempt_rollups.latency_max_ms, excluded.latency_max_ms)`,
} as const;

export class PostgresOutcomes implements OutcomeStore {
  constructor(readonly sql: SQL) {}

  async record(attempts: readonly LeasedAttempt[], tally: AttemptTally | null): Promise<OutcomeResult[]> {
    return this.sql.begin(async (tx) => {
      const finishes = attempts.map((a) => ({
        seq: a.seq,
        token: a.token,
        status: a.status,
        n: a.n,
        next_attempt_at: a.nextAttemptAt,
        status_code: a.statusCode,
        error: a.error,
        finished_at: a.finishedAt,
      }));
      const finished = new Set((await tx.unsafe(PG_OUTCOME_SQL.finish, [JSON.stringify(finishes)])).map((r: { seq: unknown }) => num(r.seq)));
      const recorded = attempts.map((a) => finished.has(a.seq));
      const rows = attempts
        .filter((_, i) => recorded[i])
        .map((a) => ({
          delivery_seq: a.seq,
          n: a.n,
          started_at: a.startedAt,
          duration_ms: a.durationMs,
          status_code: a.statusCode,
          error: a.error,
          request_headers: a.requestHeaders,
          response_excerpt: a.responseExcerpt,
        }));
      if (rows.length > 0) await tx.unsafe(PG_OUTCOME_SQL.attempts, [JSON.stringify(rows)]);
      const after = await count(tx, attempts, recorded);
      for (const r of tally?.rows() ?? []) {
        const x = r.results;
        await tx.unsafe(PG_OUTCOME_SQL.rollup, [r.endpointId, r.minute, r.attempts, x.success, x.http_error, x.timeout, x.network, x.blocked, r.delivered, r.failed, ...r.latency, r.latencyMaxMs]);
      }
      return after.map((c): OutcomeResult => (c ? { recorded: true, counters: c } : { recorded: false }));
    });
  }
}

/** The counters after each recorded attempt (undefined for the others). */
async function count(tx: SQL, attempts: readonly LeasedAttempt[], recorded: readonly boolean[]): Promise<(EndpointCounters | undefined)[]> {
  const after = Array.from<EndpointCounters | undefined>({ length: attempts.length });
  for (const [endpointId, indexes] of byEndpoint(attempts, recorded)) {
    const [row] = await tx.unsafe(PG_OUTCOME_SQL.lockCounters, [endpointId]);
    let c: EndpointCounters = {
      consecutiveFailures: Number(row.consecutive_failures),
      failingSince: numOrNull(row.failing_since),
      lastSuccessAt: numOrNull(row.last_success_at),
    };
    for (const i of indexes) after[i] = c = advance(c, attempts[i]!);
    await tx.unsafe(PG_OUTCOME_SQL.writeCounters, [endpointId, c.consecutiveFailures, c.failingSince, c.lastSuccessAt]);
  }
  return after;
}
