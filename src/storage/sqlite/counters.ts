/**
 * @module storage/sqlite/counters
 * The endpoints' failure counters as a flush of outcomes leaves them: each
 * endpoint's row is read once and written once per flush, however many of
 * its attempts the flush holds.
 */
import type { Database, Statement } from "bun:sqlite";
import { advance, byEndpoint, NO_COUNTERS } from "../counters";
import type { EndpointCounters, LeasedAttempt } from "../stores";

interface CounterRow {
  consecutive_failures: number;
  failing_since: number | null;
  last_success_at: number | null;
}

export const COUNTER_SQL = {
  read: "SELECT consecutive_failures, failing_since, last_success_at FROM endpoint_state WHERE endpoint_id = ?1",
  write: `INSERT INTO endpoint_state (endpoint_id, consecutive_failures, failing_since, last_success_at) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = excluded.consecutive_failures,
      failing_since = excluded.failing_since, last_success_at = excluded.last_success_at`,
} as const;

export class SqliteCounters {
  readonly #read: Statement<CounterRow>;
  readonly #write: Statement;

  constructor(db: Database) {
    this.#read = db.prepare(COUNTER_SQL.read);
    this.#write = db.prepare(COUNTER_SQL.write);
  }

  /** The counters after each recorded attempt (undefined for the others); runs inside the outcome transaction. */
  count(attempts: readonly LeasedAttempt[], recorded: readonly boolean[]): (EndpointCounters | undefined)[] {
    const after = Array.from<EndpointCounters | undefined>({ length: attempts.length });
    for (const [endpointId, indexes] of byEndpoint(attempts, recorded)) {
      const row = this.#read.get(endpointId);
      let c: EndpointCounters = row
        ? { consecutiveFailures: row.consecutive_failures, failingSince: row.failing_since, lastSuccessAt: row.last_success_at }
        : NO_COUNTERS;
      for (const i of indexes) after[i] = c = advance(c, attempts[i]!);
      if (indexes.some((i) => attempts[i]!.verdict !== null)) this.#write.run(endpointId, c.consecutiveFailures, c.failingSince, c.lastSuccessAt);
    }
    return after;
  }
}
