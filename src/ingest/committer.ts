/**
 * @module ingest/committer
 * Group commit: every ingest request that arrives in the same event-loop turn
 * is written in one transaction on the next turn, and each request is answered
 * only after that transaction commits. With synchronous=FULL this turns one
 * fsync per request into one per turn, without ever answering before the data
 * is durable. (Flushing on the next turn beat any fixed wait window.)
 */
import type { EventWriter, GroupResult } from "../outbox/event-writer";
import type { StorageHealth } from "../db/health";
import type { NewEvent } from "../outbox/types";

interface Waiting {
  readonly events: readonly NewEvent[];
  readonly resolve: (r: GroupResult) => void;
  readonly reject: (err: unknown) => void;
}

export class GroupCommitter {
  #queue: Waiting[] = [];
  readonly #writer: EventWriter;
  readonly #health: StorageHealth;
  readonly #onCommit: () => void;

  constructor(writer: EventWriter, health: StorageHealth, onCommit: () => void) {
    this.#writer = writer;
    this.#health = health;
    this.#onCommit = onCommit;
  }

  /** Resolves once the events are committed (or found to be duplicates); rejects when storage fails. */
  submit(events: readonly NewEvent[]): Promise<GroupResult> {
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ events, resolve, reject });
    });
  }

  /** Writes whatever is queued right away (the last step of a drain). */
  flushNow(): void {
    if (this.#queue.length > 0) this.#flush();
  }

  #flush(): void {
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    let results: GroupResult[];
    try {
      results = this.#writer.writeGroups(batch.map((w) => w.events));
    } catch (err) {
      this.#health.failed(err);
      for (const w of batch) w.reject(err);
      return;
    }
    this.#health.ok();
    batch.forEach((w, i) => w.resolve(results[i]!));
    this.#onCommit();
  }
}
