/**
 * @module outbox/event-writer
 * Stores accepted events and their deliveries. Many ingest requests share one
 * transaction (group commit, see ingest/committer.ts); a request of several
 * events is written under its own savepoint so one request's conflict undoes
 * only that request.
 */
import type { Database, Statement } from "bun:sqlite";
import { newRowMark } from "./fifo-heads";
import type { NewEvent } from "./types";

/** What happened to one request's events, in order. */
export type GroupResult =
  | { readonly kind: "stored"; readonly duplicates: readonly boolean[]; readonly deliveries: number }
  | { readonly kind: "conflict"; readonly id: string };

class IdConflict extends Error {
  constructor(readonly id: string) {
    super(`event ${id} exists with a different body`);
  }
}

export class EventWriter {
  readonly #insertEvent: Statement;
  readonly #findEvent: Statement<StoredBody>;
  readonly #insertDelivery: Statement;
  readonly #writeGroupAtomically: (events: readonly NewEvent[]) => GroupResult;
  readonly #writeGroups: { immediate: (groups: readonly (readonly NewEvent[])[]) => GroupResult[] };

  constructor(db: Database) {
    this.#insertEvent = db.prepare(
      `INSERT INTO events (id, type, tenant, data, ordering_key, occurred_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.#findEvent = db.prepare("SELECT type, tenant, data FROM events WHERE id = ?");
    this.#insertDelivery = db.prepare(
      `INSERT INTO deliveries (event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at, fifo_head)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ${newRowMark("?2", "?4", "?5")})`,
    );
    // A nested bun:sqlite transaction is a savepoint: throwing rolls back just this group.
    this.#writeGroupAtomically = db.transaction((events: readonly NewEvent[]) => this.#writeGroup(events));
    this.#writeGroups = db.transaction((groups: readonly (readonly NewEvent[])[]) =>
      groups.map((events) => {
        try {
          // A lone event's conflict is found by its first statement, before it
          // wrote anything, so it needs no savepoint (two statements saved per request).
          return events.length === 1 ? this.#writeGroup(events) : this.#writeGroupAtomically(events);
        } catch (err) {
          if (err instanceof IdConflict) return { kind: "conflict", id: err.id } as const;
          throw err;
        }
      }),
    );
  }

  /** Writes every group in ONE transaction (one fsync); throws only when storage fails. */
  writeGroups(groups: readonly (readonly NewEvent[])[]): GroupResult[] {
    return this.#writeGroups.immediate(groups);
  }

  #writeGroup(events: readonly NewEvent[]): GroupResult {
    const duplicates: boolean[] = [];
    let deliveries = 0;
    for (const e of events) {
      const { changes } = this.#insertEvent.run(e.id, e.type, e.tenant, e.dataJson, e.orderingKey, e.occurredAt, e.createdAt);
      if (changes === 0) {
        const existing = this.#findEvent.get(e.id)!;
        if (!sameBody(existing, e)) throw new IdConflict(e.id);
        duplicates.push(true);
        continue;
      }
      duplicates.push(false);
      for (const d of e.deliveries) {
        this.#insertDelivery.run(e.id, d.endpointId, e.type, d.fifoKey, d.status, d.nextAttemptAt, e.createdAt);
      }
      deliveries += e.deliveries.length;
    }
    return { kind: "stored", duplicates, deliveries };
  }
}

export interface StoredBody {
  type: string;
  tenant: string | null;
  data: string;
}

/**
 * "The same body" is the same type and the same data compared as parsed JSON
 * (key order aside), for the same tenant: an id posted again for another
 * tenant is a conflict, never another tenant's duplicate.
 */
export function sameBody(existing: StoredBody, incoming: NewEvent): boolean {
  if (existing.type !== incoming.type || existing.tenant !== incoming.tenant) return false;
  return existing.data === incoming.dataJson || Bun.deepEquals(JSON.parse(existing.data), JSON.parse(incoming.dataJson));
}
