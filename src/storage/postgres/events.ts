/**
 * @module storage/postgres/events
 * Stores accepted events and their deliveries: every request of a group
 * commit in one transaction, each request of several events under a
 * savepoint so one request's id conflict undoes only that request; the
 * commit wakes the other nodes (signals.ts).
 */
import type { SQL } from "bun";
import { type GroupResult, sameBody, type StoredBody } from "../../outbox/event-writer";
import type { NewEvent } from "../../outbox/types";
import type { EventStore } from "../stores";
import { DUE_CHANNEL, duePayload } from "./signals";

class IdConflict extends Error {
  constructor(readonly id: string) {
    super(`event ${id} exists with a different body`);
  }
}

export class PostgresEvents implements EventStore {
  constructor(
    readonly sql: SQL,
    readonly node: string,
  ) {}

  async writeGroups(groups: readonly (readonly NewEvent[])[]): Promise<GroupResult[]> {
    return this.sql.begin(async (tx) => {
      const results: GroupResult[] = [];
      for (const events of groups) {
        try {
          results.push(events.length === 1 ? await writeGroup(tx, events) : await tx.savepoint((sp) => writeGroup(sp, events)));
        } catch (err) {
          if (!(err instanceof IdConflict)) throw err;
          results.push({ kind: "conflict", id: err.id });
        }
      }
      // A conflict's events are counted too: waking a node for nothing costs one claim that finds nothing.
      const payload = duePayload(this.node, groups);
      if (payload !== null) await tx.notify(DUE_CHANNEL, payload);
      return results;
    });
  }
}

async function writeGroup(tx: SQL, events: readonly NewEvent[]): Promise<GroupResult> {
  const duplicates: boolean[] = [];
  let deliveries = 0;
  for (const e of events) {
    const inserted = await tx`INSERT INTO events (id, type, tenant, data, ordering_key, occurred_at, created_at)
      VALUES (${e.id}, ${e.type}, ${e.tenant}, ${e.dataJson}, ${e.orderingKey}, ${e.occurredAt}, ${e.createdAt})
      ON CONFLICT (id) DO NOTHING RETURNING id`;
    if (inserted.length === 0) {
      const [existing]: StoredBody[] = await tx`SELECT type, tenant, data FROM events WHERE id = ${e.id}`;
      if (!sameBody(existing!, e)) throw new IdConflict(e.id);
      duplicates.push(true);
      continue;
    }
    duplicates.push(false);
    if (e.deliveries.length > 0) {
      const rows = e.deliveries.map((d) => ({
        event_id: e.id,
        endpoint_id: d.endpointId,
        event_type: e.type,
        fifo_key: d.fifoKey,
        status: d.status,
        next_attempt_at: d.nextAttemptAt,
        created_at: e.createdAt,
        updated_at: e.createdAt,
      }));
      await tx`INSERT INTO deliveries ${tx(rows)}`;
    }
    deliveries += e.deliveries.length;
  }
  return { kind: "stored", duplicates, deliveries };
}
