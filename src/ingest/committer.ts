/**
 * @module ingest/committer
 * Group commit: ingest requests are written together in one transaction, and
 * each request is answered only after that transaction commits. With
 * synchronous=FULL this turns one fsync per request into one per group,
 * without ever answering before the data is durable.
 *
 * A group is written on the first event-loop turn that brings no new request
 * (or once it holds MAX_GROUP requests, or its first has waited MAX_WAIT_MS).
 * Under load requests arrive over several turns, and flushing on the very
 * next turn split them into groups of about half the clients; waiting for a
 * quiet turn lets them fill, and each commit writes each index's edge page
 * once for more events. When one request arrives alone, the next turn is
 * already quiet, so it waits no longer than before. A group is written
 * while the one before it may still be committing (on a database over the
 * network, a commit takes a round trip that the next group need not wait for).
 */
import type { StorageHealth } from "../db/health";
import type { GroupResult } from "../outbox/event-writer";
import type { NewEvent } from "../outbox/types";
import type { EventStore } from "../storage/stores";

interface Waiting {
  readonly events: readonly NewEvent[];
  readonly resolve: (r: GroupResult) => void;
  readonly reject: (err: unknown) => void;
}

/** Written at this size even if requests keep arriving: bounds the work one commit holds the event loop for. */
const MAX_GROUP = 256;
/** Written once its first request has waited this long: bounds the added latency under a steady stream. */
const MAX_WAIT_MS = 2;

export class GroupCommitter {
  #queue: Waiting[] = [];
  #scheduled = false;
  #arrived = false;
  #firstAt = 0;
  /** Groups being written: what a drain waits for. */
  readonly #writing = new Set<Promise<void>>();
  readonly #events: EventStore;
  readonly #health: Pick<StorageHealth, "ok" | "failed">;
  readonly #onCommit: (groups: readonly (readonly NewEvent[])[]) => void;

  /** `onCommit` is handed every group just committed, so the scheduler can note what fell due. */
  constructor(events: EventStore, health: Pick<StorageHealth, "ok" | "failed">, onCommit: (groups: readonly (readonly NewEvent[])[]) => void) {
    this.#events = events;
    this.#health = health;
    this.#onCommit = onCommit;
  }

  /** Resolves once the events are committed (or found to be duplicates); rejects when storage fails. */
  submit(events: readonly NewEvent[]): Promise<GroupResult> {
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) this.#firstAt = performance.now();
      this.#queue.push({ events, resolve, reject });
      if (this.#scheduled) {
        this.#arrived = true;
        return;
      }
      this.#scheduled = true;
      this.#arrived = false;
      setImmediate(() => this.#tick());
    });
  }

  /** Runs once per turn while a group is open: writes it unless the last turn added to it. */
  #tick(): void {
    const growing = this.#arrived && this.#queue.length < MAX_GROUP && performance.now() - this.#firstAt < MAX_WAIT_MS;
    this.#arrived = false;
    if (growing) {
      setImmediate(() => this.#tick());
      return;
    }
    this.#scheduled = false;
    this.#flush();
  }

  /** Writes whatever is queued right away and waits for every group being written (the last step of a drain). */
  async flushNow(): Promise<void> {
    this.#flush();
    await Promise.all(this.#writing);
  }

  #flush(): void {
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const writing = this.#write(batch).finally(() => this.#writing.delete(writing));
    this.#writing.add(writing);
  }

  async #write(batch: readonly Waiting[]): Promise<void> {
    const groups = batch.map((w) => w.events);
    let results: GroupResult[];
    try {
      results = await this.#events.writeGroups(groups);
    } catch (err) {
      this.#health.failed(err);
      for (const w of batch) w.reject(err);
      return;
    }
    this.#health.ok();
    batch.forEach((w, i) => w.resolve(results[i]!));
    this.#onCommit(groups);
  }
}
