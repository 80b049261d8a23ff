/**
 * @module storage/postgres/outcomes
 * Records finished attempts in one transaction: the delivery's new state
 * only while its lease token is still the one the attempt ran under (a node
 * whose lease expired and was taken over records nothing), then the attempt
 * row, the endpoints' failure counters and the rollups. Each endpoint's row
 * is locked (in id order, so two nodes' flushes never wait on each other in
 * a circle), its counters advanced over the flush's attempts, and written
 * once: counts from every node add up.
 */
import type { SQL } from "bun";
import { LATENCY_BUCKETS } from "../../stats/latency";
import type { AttemptTally } from "../../stats/tally";
import { advance, byEndpoint } from "../counters";
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
      const recorded: boolean[] = [];
      for (const a of attempts) {
        const finished = await tx.unsafe(PG_OUTCOME_SQL.finish, [a.status, a.n, a.nextAttemptAt, a.statusCode, a.error, a.finishedAt, a.seq, a.token]);
        recorded.push(finished.count === 1);
        if (finished.count === 1) {
          await tx.unsafe(PG_OUTCOME_SQL.attempt, [a.seq, a.n, a.startedAt, a.durationMs, a.statusCode, a.error, a.requestHeaders, a.responseExcerpt]);
        }
      }
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
