/**
 * @module storage/sqlite/counters
 * An endpoint's failure counters moved by one attempt, in the database, so
 * the answer is the count after it whoever else counted before.
 */
import type { Database, Statement } from "bun:sqlite";
import type { EndpointCounters, LeasedAttempt } from "../stores";

interface CounterRow {
  consecutive_failures: number;
  failing_since: number | null;
  last_success_at: number | null;
}

const RETURNING = "RETURNING consecutive_failures, failing_since, last_success_at";

/** The counter statements; `?1` endpoint id, `?2` the attempt's start (failure) or finish (success). */
export const COUNTER_SQL = {
  success: `INSERT INTO endpoint_state (endpoint_id, consecutive_failures, failing_since, last_success_at) VALUES (?1, 0, NULL, ?2)
    ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = 0, failing_since = NULL, last_success_at = excluded.last_success_at ${RETURNING}`,
  failure: `INSERT INTO endpoint_state (endpoint_id, consecutive_failures, failing_since) VALUES (?1, 1, ?2)
    ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = consecutive_failures + 1,
      failing_since = COALESCE(failing_since, excluded.failing_since) ${RETURNING}`,
  read: "SELECT consecutive_failures, failing_since, last_success_at FROM endpoint_state WHERE endpoint_id = ?1",
} as const;

export class SqliteCounters {
  readonly #success: Statement<CounterRow>;
  readonly #failure: Statement<CounterRow>;
  readonly #read: Statement<CounterRow>;

  constructor(db: Database) {
    this.#success = db.prepare(COUNTER_SQL.success);
    this.#failure = db.prepare(COUNTER_SQL.failure);
    this.#read = db.prepare(COUNTER_SQL.read);
  }

  count(a: LeasedAttempt): EndpointCounters {
    const row =
      a.verdict === "success"
        ? this.#success.get(a.endpointId, a.finishedAt)
        : a.verdict === "failure"
          ? this.#failure.get(a.endpointId, a.startedAt)
          : this.#read.get(a.endpointId);
    return toCounters(row);
  }
}

export function toCounters(row: CounterRow | null): EndpointCounters {
  return {
    consecutiveFailures: row?.consecutive_failures ?? 0,
    failingSince: row?.failing_since ?? null,
    lastSuccessAt: row?.last_success_at ?? null,
  };
}
