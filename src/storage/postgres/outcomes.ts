/**
 * @module storage/postgres/outcomes
 * Records finished attempts in one transaction: the delivery's new state
 * only while its lease token is still the one the attempt ran under (a node
 * whose lease expired and was taken over records nothing), then the attempt
 * row, the endpoint's failure counters and the rollups.
 */
import type { SQL } from "bun";
import { LATENCY_BUCKETS } from "../../stats/latency";
import type { AttemptTally } from "../../stats/tally";
import type { EndpointCounters, LeasedAttempt, OutcomeResult, OutcomeStore } from "../stores";
import { numOrNull } from "./rows";

const LAT = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat${i}`);
const COUNTS = ["attempts", "success", "http_error", "timeout", "network", "blocked", "delivered", "failed", ...LAT];
const COUNTER_COLUMNS = "consecutive_failures, failing_since, last_success_at";

export const PG_OUTCOME_SQL = {
  finish: `UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_status_code = $4, last_error = $5,
      updated_at = $6, delivered_at = CASE WHEN $1 = 'delivered' THEN $6 ELSE delivered_at END,
      lease_owner = NULL, lease_expires_at = NULL
    WHERE seq = $7 AND status = 'in_flight' AND lease_token = $8`,
  attempt: `INSERT INTO attempts (delivery_seq, n, started_at, duration_ms, status_code, error, request_headers, response_excerpt)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  success: `INSERT INTO endpoint_state (endpoint_id, consecutive_failures, failing_since, last_success_at) VALUES ($1, 0, NULL, $2)
    ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = 0, failing_since = NULL, last_success_at = excluded.last_success_at
    RETURNING ${COUNTER_COLUMNS}`,
  failure: `INSERT INTO endpoint_state (endpoint_id, consecutive_failures, failing_since) VALUES ($1, 1, $2)
    ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = endpoint_state.consecutive_failures + 1,
      failing_since = COALESCE(endpoint_state.failing_since, excluded.failing_since)
    RETURNING ${COUNTER_COLUMNS}`,
  counters: `SELECT ${COUNTER_COLUMNS} FROM endpoint_state WHERE endpoint_id = $1`,
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
      const results: OutcomeResult[] = [];
      for (const a of attempts) {
        const finished = await tx.unsafe(PG_OUTCOME_SQL.finish, [a.status, a.n, a.nextAttemptAt, a.statusCode, a.error, a.finishedAt, a.seq, a.token]);
        if (finished.count === 0) {
          results.push({ recorded: false });
          continue;
        }
        await tx.unsafe(PG_OUTCOME_SQL.attempt, [a.seq, a.n, a.startedAt, a.durationMs, a.statusCode, a.error, a.requestHeaders, a.responseExcerpt]);
        results.push({ recorded: true, counters: await count(tx, a) });
      }
      for (const r of tally?.rows() ?? []) {
        const x = r.results;
        await tx.unsafe(PG_OUTCOME_SQL.rollup, [r.endpointId, r.minute, r.attempts, x.success, x.http_error, x.timeout, x.network, x.blocked, r.delivered, r.failed, ...r.latency, r.latencyMaxMs]);
      }
      return results;
    });
  }
}

async function count(tx: SQL, a: LeasedAttempt): Promise<EndpointCounters> {
  const [row] =
    a.verdict === "success"
      ? await tx.unsafe(PG_OUTCOME_SQL.success, [a.endpointId, a.finishedAt])
      : a.verdict === "failure"
        ? await tx.unsafe(PG_OUTCOME_SQL.failure, [a.endpointId, a.startedAt])
        : await tx.unsafe(PG_OUTCOME_SQL.counters, [a.endpointId]);
  return {
    consecutiveFailures: row ? Number(row.consecutive_failures) : 0,
    failingSince: numOrNull(row?.failing_since),
    lastSuccessAt: numOrNull(row?.last_success_at),
  };
}
