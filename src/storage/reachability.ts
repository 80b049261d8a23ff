/**
 * @module storage/reachability
 * Whether a database over the network answers and takes writes, for
 * `/readyz`: every readiness check asks the database itself (a bounded
 * read), so a database that went away or turned read-only while nothing was
 * written shows as not ready too, and a node that lost it is ready again by
 * itself once it answers. Writers
 * report their outcomes as to SQLite's StorageHealth, which needs them to
 * know when to probe; here every check probes, so they change nothing.
 */

/** A readiness check waits this long for the database at most. */
const PROBE_TIMEOUT_MS = 2_000;

export class Reachability {
  /** `probe` is a read that fails while the database does not answer, and answers why it is not ready otherwise, or null. */
  constructor(readonly probe: () => Promise<string | null>) {}

  ok(): void {}

  failed(_err: unknown): void {}

  /** Null when the database answers, else why not. */
  async problem(): Promise<string | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.probe(), timeout]);
    } catch (err) {
      return `the database does not answer: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
