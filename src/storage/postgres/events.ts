/**
 * @module storage/postgres/events
 * Stores accepted events and their deliveries: every request of a group
 * commit in one transaction, which wakes the other nodes as it commits
 * (signals.ts). When every id is new, as it nearly always is, the group's
 * events, their deliveries and the wake-up are one statement, the rows one
 * JSON text parameter each, in the order they came (FIFO keys follow seq);
 * two statements per event were half of each delivery's round trips
 * (BENCHMARKS.md, "PostgreSQL storage"). When an id is already stored or
 * repeated, that transaction is rolled back and the group written event by
 * event, each request of several events under a savepoint so one request's
 * id conflict undoes only that request.
 */
import type { SQL, TransactionSQL } from "bun";
import { type GroupResult, sameBody, type StoredBody } from "../../outbox/event-writer";
import type { NewEvent } from "../../outbox/types";
import type { EventStore } from "../stores";
import { DUE_CHANNEL, duePayload } from "./signals";

/**
 * The events ($1) and their deliveries ($2) of a group commit in one
 * statement (one round trip between BEGIN and COMMIT), answering how many
 * events were new; with a wake-up for the other nodes (channel $3, payload
 * $4) when it made rows pending.
 */
const INSERT_ALL = `WITH e AS (
    INSERT INTO events (id, type, tenant, data, ordering_key, occurred_at, created_at)
    SELECT id, type, tenant, data, ordering_key, occurred_at, created_at
    FROM json_to_recordset($1::text::json) AS e(i integer, id text, type text, tenant text, data text, ordering_key text, occurred_at bigint, created_at bigint)
    ORDER BY i
    ON CONFLICT (id) DO NOTHING RETURNING id
  ), d AS (
    INSERT INTO deliveries (event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at)
    SELECT event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at
    FROM json_to_recordset($2::text::json) AS d(i integer, event_id text, endpoint_id text, event_type text, fifo_key text, status text,
      next_attempt_at bigint, created_at bigint, updated_at bigint)
    ORDER BY i
  )
  SELECT (SELECT count(*) FROM e)::int AS stored`;
const INSERT_ALL_WAKING = `${INSERT_ALL}, pg_notify($3, $4)`;

/** Thrown to roll back the one-statement write when an id is not new. */
class NotAllNew extends Error {}

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
    // A conflict's events are counted too: waking a node for nothing costs one claim that finds nothing.
    const payload = duePayload(this.node, groups);
    try {
      return await this.sql.begin((tx) => writeAllNew(tx, groups, payload));
    } catch (err) {
      if (!(err instanceof NotAllNew)) throw err;
    }
    return this.sql.begin(async (tx) => {
      const results = await writeEach(tx, groups);
      if (payload !== null) await tx.notify(DUE_CHANNEL, payload);
      return results;
    });
  }
}

/** Every event, every delivery and the wake-up in one statement; throws NotAllNew, rolling it back, when an id is already stored or repeated. */
async function writeAllNew(tx: SQL, groups: readonly (readonly NewEvent[])[], payload: string | null): Promise<GroupResult[]> {
  const events = groups.flat();
  const rows = events.map((e, i) => ({
    i,
    id: e.id,
    type: e.type,
    tenant: e.tenant,
    data: e.dataJson,
    ordering_key: e.orderingKey,
    occurred_at: e.occurredAt,
    created_at: e.createdAt,
  }));
  const deliveries = events.flatMap(deliveryRows);
  const params = [JSON.stringify(rows), JSON.stringify(deliveries.map((d, i) => ({ i, ...d })))];
  const [{ stored }] = await (payload === null ? tx.unsafe(INSERT_ALL, params) : tx.unsafe(INSERT_ALL_WAKING, [...params, DUE_CHANNEL, payload]));
  if (stored !== events.length) throw new NotAllNew();
  return groups.map((g) => ({ kind: "stored", duplicates: g.map(() => false), deliveries: g.reduce((n, e) => n + e.deliveries.length, 0) }));
}

/** Event by event, so a stored id is told apart as a duplicate or a conflict, each request of several events under a savepoint. */
async function writeEach(tx: TransactionSQL, groups: readonly (readonly NewEvent[])[]): Promise<GroupResult[]> {
  const results: GroupResult[] = [];
  for (const events of groups) {
    try {
      results.push(events.length === 1 ? await writeGroup(tx, events) : await tx.savepoint((sp) => writeGroup(sp, events)));
    } catch (err) {
      if (!(err instanceof IdConflict)) throw err;
      results.push({ kind: "conflict", id: err.id });
    }
  }
  return results;
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
    if (e.deliveries.length > 0) await tx`INSERT INTO deliveries ${tx(deliveryRows(e))}`;
    deliveries += e.deliveries.length;
  }
  return { kind: "stored", duplicates, deliveries };
}

/** The rows of an event's deliveries, by column. */
function deliveryRows(e: NewEvent) {
  return e.deliveries.map((d) => ({
    event_id: e.id,
    endpoint_id: d.endpointId,
    event_type: e.type,
    fifo_key: d.fifoKey,
    status: d.status,
    next_attempt_at: d.nextAttemptAt,
    created_at: e.createdAt,
    updated_at: e.createdAt,
  }));
}
