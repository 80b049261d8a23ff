/**
 * @module outbox/endpoint-create-store
 * The first answer to each endpoint create sent with an Idempotency-Key, so a
 * retried create answers the same (secret included) instead of creating a
 * second endpoint. Answers are stored sealed and kept for a day.
 */
import type { Database, Statement } from "bun:sqlite";

export interface StoredCreate {
  body_hash: string;
  /** Sealed JSON of the answer. */
  answer: string;
}

export class EndpointCreateStore {
  readonly #find: Statement<StoredCreate & { created_at: number }>;
  readonly #insert: Statement;
  readonly #prune: Statement;

  constructor(db: Database) {
    this.#find = db.prepare("SELECT body_hash, answer, created_at FROM endpoint_creates WHERE scope = ? AND key = ?");
    // A key older than a day may be used again: its old answer is replaced.
    this.#insert = db.prepare(
      `INSERT INTO endpoint_creates (scope, key, body_hash, answer, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET body_hash = excluded.body_hash, answer = excluded.answer, created_at = excluded.created_at`,
    );
    this.#prune = db.prepare("DELETE FROM endpoint_creates WHERE created_at < ?");
  }

  /** The stored answer for `key`, unless it is older than `notBefore`. */
  find(scope: string, key: string, notBefore: number): StoredCreate | null {
    const row = this.#find.get(scope, key);
    return row && row.created_at >= notBefore ? row : null;
  }

  insert(scope: string, key: string, bodyHash: string, sealedAnswer: string, now: number): void {
    this.#insert.run(scope, key, bodyHash, sealedAnswer, now);
  }

  /** Forgets answers stored before `before`; answers how many. */
  prune(before: number): number {
    return this.#prune.run(before).changes;
  }
}
