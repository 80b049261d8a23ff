/**
 * @module db/health
 * Whether the last write reached the database. Writers report each outcome;
 * `/readyz` reads it. A full disk shows as not ready until a write succeeds
 * again, so the daemon recovers without a restart when space returns.
 */

export class StorageHealth {
  #lastError: string | null = null;

  /** A write committed. */
  ok(): void {
    this.#lastError = null;
  }

  /** A write failed; remembers why, in words an operator understands. */
  failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#lastError = /full|SQLITE_FULL/i.test(message) ? "the database disk is full" : `the database rejected a write: ${message}`;
  }

  /** Null when writes are going through, else why not. */
  get problem(): string | null {
    return this.#lastError;
  }
}
