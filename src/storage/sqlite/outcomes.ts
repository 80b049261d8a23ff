/**
 * @module storage/sqlite/outcomes
 * OutcomeStore over outbox/outcomes.ts and outbox/rollups.ts: an attempt is
 * written only while its lease is still the one it ran under. Commits skip
 * the fsync (db/relaxed-sync.ts): an outcome lost to a power cut only means
 * its attempt is made again, and an fsync after every flush of outcomes
 * blocked the event loop (end to end gained 2–12% without it).
 */
import type { Database } from "bun:sqlite";
import { type Relaxed, relaxedSync } from "../../db/relaxed-sync";
import type { Outcomes } from "../../outbox/outcomes";
import type { Rollups } from "../../outbox/rollups";
import type { AttemptTally } from "../../stats/tally";
import type { LeasedAttempt, OutcomeResult, OutcomeStore } from "../stores";
import type { SqliteCounters } from "./counters";
import type { LocalLeases } from "./leases";

export class SqliteOutcomes implements OutcomeStore {
  readonly #leases: LocalLeases;
  readonly #relaxed: Relaxed;
  readonly #record: { immediate: (attempts: readonly LeasedAttempt[], tally: AttemptTally | null) => OutcomeResult[] };

  constructor(db: Database, outcomes: Outcomes, rollups: Rollups, counters: SqliteCounters, leases: LocalLeases) {
    this.#record = db.transaction((attempts: readonly LeasedAttempt[], tally: AttemptTally | null) => {
      const recorded = attempts.map((a) => {
        if (!leases.holds(a.seq, a.token)) return false;
        outcomes.record(a);
        return true;
      });
      const after = counters.count(attempts, recorded);
      if (tally) rollups.save(tally);
      return after.map((c): OutcomeResult => (c ? { recorded: true, counters: c } : { recorded: false }));
    });
    this.#leases = leases;
    this.#relaxed = relaxedSync(db);
  }

  async record(attempts: readonly LeasedAttempt[], tally: AttemptTally | null): Promise<OutcomeResult[]> {
    const results = this.#relaxed(() => this.#record.immediate(attempts, tally));
    // Released once committed: a transaction that failed leaves the leases as they were.
    attempts.forEach((a, i) => results[i]!.recorded && this.#leases.release(a.seq));
    return results;
  }
}
