/**
 * @module db/health
 * Whether writes reach the database. Writers report each outcome; `/readyz`
 * asks. While a write has failed, asking runs a probe write (rolled back), so
 * readiness returns by itself when disk space does, without waiting for a
 * client to risk another event.
 */
import type { Database, Statement } from "bun:sqlite";

/** Large enough to need fresh pages: if this fits, an ordinary event does too. */
const PROBE_BYTES = 64 * 1024;

export class StorageHealth {
  #lastError: string | null = null;
  readonly #probe: () => void;

  constructor(db: Database) {
    let insert: Statement | null = null;
    const tx = db.transaction(() => {
      insert ??= db.prepare("INSERT INTO events (id, type, data, created_at) VALUES ('', '', zeroblob(?), 0)");
      insert.run(PROBE_BYTES);
      // Undo the probe row: the transaction helper rolls back when its function throws.
      throw new ProbeDone();
    });
    this.#probe = () => {
      try {
        tx.immediate();
      } catch (err) {
        if (!(err instanceof ProbeDone)) throw err;
      }
    };
  }

  /** A write committed. */
  ok(): void {
    this.#lastError = null;
  }

  /** A write failed; remembers why, in words an operator understands. */
  failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#lastError = /full/i.test(message) ? "the database disk is full" : `the database rejected a write: ${message}`;
  }

  /** Null when writes go through, else why not; re-checks with a probe write while failing. */
  problem(): string | null {
    if (this.#lastError === null) return null;
    try {
      this.#probe();
      this.ok();
    } catch (err) {
      this.failed(err);
    }
    return this.#lastError;
  }
}

class ProbeDone extends Error {}
