/**
 * @module test/storage/fifo-heads
 * The FIFO head marks through every writer that moves a row into or out of
 * a key's waiting set: one head per key with waiting rows, on its oldest,
 * except while an older row retried by hand waits (mark 2) for the head in
 * flight; and the marks migration 008 gives an existing backlog.
 */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { migrate } from "../../src/db/migrate";
import { transactionRunner } from "../../src/db/transaction";
import { CLAIM_SQL, Claims } from "../../src/outbox/claims";
import { Controls } from "../../src/outbox/controls";
import { EndpointStore } from "../../src/outbox/endpoint-store";
import { EventWriter } from "../../src/outbox/event-writer";
import { type AttemptRecord, Outcomes } from "../../src/outbox/outcomes";
import { type EventSpec, NOW, newEvent } from "./conformance/fixtures";

let db: Database;
let writer: EventWriter;
let outcomes: Outcomes;
let controls: Controls;
let store: EndpointStore;
let claims: Claims;

beforeEach(() => {
  db = new Database(":memory:", { strict: true });
  migrate(db);
  writer = new EventWriter(db);
  outcomes = new Outcomes(db);
  controls = new Controls(db, transactionRunner(db));
  store = new EndpointStore(db);
  claims = new Claims(db);
});
afterEach(() => db.close());

/** FIFO events for endpoint "f" under `key`, one per id, each its own request. */
function ingest(key: string, ...ids: string[]): void {
  writer.writeGroups(ids.map((id) => [newEvent({ id, endpoints: ["f"], fifo: true, orderingKey: key })]));
}

function ingestSpec(...specs: EventSpec[]): void {
  writer.writeGroups(specs.map((s) => [newEvent(s)]));
}

/** Every marked row: event id → mark. */
function marks(): Record<string, number> {
  const rows = db.query("SELECT event_id, fifo_head FROM deliveries WHERE fifo_head > 0 ORDER BY seq").all() as { event_id: string; fifo_head: number }[];
  return Object.fromEntries(rows.map((r) => [r.event_id, r.fifo_head]));
}

function seqOf(id: string): number {
  return (db.query("SELECT seq FROM deliveries WHERE event_id = ?").get(id) as { seq: number }).seq;
}

/** Leases the row with the claim path's own statement. */
function start(id: string): void {
  const seq = seqOf(id);
  expect(db.prepare(CLAIM_SQL.lease).all(NOW, JSON.stringify([seq]))).toEqual([{ seq }]);
}

function finish(id: string, status: AttemptRecord["status"], nextAttemptAt: number | null = null): void {
  const n = (db.query("SELECT attempts FROM deliveries WHERE event_id = ?").get(id) as { attempts: number }).attempts + 1;
  outcomes.record({
    seq: seqOf(id),
    n,
    startedAt: NOW,
    durationMs: 1,
    statusCode: status === "delivered" ? 200 : 500,
    error: null,
    requestHeaders: "{}",
    responseExcerpt: null,
    status,
    nextAttemptAt,
    finishedAt: NOW + 1,
  });
}

const retry = (id: string) => expect(controls.retry(seqOf(id), NOW + 2, () => "pending")).toBe("done");
const fail = (id: string) => {
  start(id);
  finish(id, "failed");
};

describe("FIFO head marks at ingest", () => {
  it("marks the first row of each key and no other, and none of an unordered endpoint's rows", () => {
    ingest("a", "a1", "a2");
    ingest("b", "b1");
    ingest("a", "a3");
    ingestSpec({ id: "u1", endpoints: ["u"] });
    expect(marks()).toEqual({ a1: 1, b1: 1 });
  });

  it("marks rows of one request in order, and a held row as a head", () => {
    writer.writeGroups([[newEvent({ id: "h1", endpoints: ["f"], fifo: true, orderingKey: "k", held: true }), newEvent({ id: "h2", endpoints: ["f"], fifo: true, orderingKey: "k" })]]);
    expect(marks()).toEqual({ h1: 1 });
  });

  it("marks a new row of a key whose rows have all finished", () => {
    ingest("a", "a1");
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({});
    ingest("a", "a2");
    expect(marks()).toEqual({ a2: 1 });
  });

  it("keeps keys of different endpoints apart", () => {
    ingestSpec({ id: "x", endpoints: ["f", "g"], fifo: true, orderingKey: "k" }, { id: "y", endpoints: ["g"], fifo: true, orderingKey: "k" });
    const rows = db.query("SELECT event_id, endpoint_id, fifo_head FROM deliveries ORDER BY seq").all();
    expect(rows).toEqual([
      { event_id: "x", endpoint_id: "f", fifo_head: 1 },
      { event_id: "x", endpoint_id: "g", fifo_head: 1 },
      { event_id: "y", endpoint_id: "g", fifo_head: 0 },
    ]);
  });
});

describe("FIFO head marks as attempts end", () => {
  it("hands the mark on when the head is delivered, fails or is cancelled by its outcome", () => {
    ingest("a", "a1", "a2", "a3", "a4");
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({ a2: 1 });
    fail("a2");
    expect(marks()).toEqual({ a3: 1 });
    start("a3");
    finish("a3", "cancelled");
    expect(marks()).toEqual({ a4: 1 });
    start("a4");
    finish("a4", "delivered");
    expect(marks()).toEqual({});
  });

  it("keeps the mark on a head that will be attempted again or is held", () => {
    ingest("a", "a1", "a2");
    start("a1");
    finish("a1", "pending", NOW + 60_000);
    expect(marks()).toEqual({ a1: 1 });
    start("a1");
    finish("a1", "held");
    expect(marks()).toEqual({ a1: 1 });
  });

  it("passes over rows of the key that finished out of turn", () => {
    ingest("a", "a1", "a2", "a3", "a4");
    expect(controls.cancel(seqOf("a2"), NOW)).toBe("done");
    expect(controls.cancel(seqOf("a3"), NOW)).toBe("done");
    expect(marks()).toEqual({ a1: 1 });
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({ a4: 1 });
  });

  it("moves the mark when a requeue after a crash frees the head's key", () => {
    ingest("a", "a1", "a2");
    fail("a1");
    start("a2");
    retry("a1");
    expect(claims.requeueInFlight()).toBe(1);
    expect(marks()).toEqual({ a1: 1 });
  });
});

describe("FIFO head marks under operator actions", () => {
  it("hands the mark on when the head is cancelled, and leaves it when another row is", () => {
    ingest("a", "a1", "a2", "a3");
    expect(controls.cancel(seqOf("a2"), NOW)).toBe("done");
    expect(marks()).toEqual({ a1: 1 });
    expect(controls.cancel(seqOf("a1"), NOW)).toBe("done");
    expect(marks()).toEqual({ a3: 1 });
  });

  it("hands marks on in a bulk cancel", () => {
    ingest("a", "a1", "a2");
    ingest("b", "b1", "b2");
    const page = controls.cancelPage(
      { status: null, tenant: null, endpointId: "f", endpointIds: null, eventType: null, fromSeq: seqOf("a1"), toSeq: seqOf("b1") + 1 },
      10,
      NOW,
    );
    expect(page.changed).toBe(3);
    expect(marks()).toEqual({ b2: 1 });
  });

  it("makes a failed row retried by hand the head when it is older than the head and the head is not in flight", () => {
    ingest("a", "a1", "a2", "a3");
    fail("a1");
    expect(marks()).toEqual({ a2: 1 });
    retry("a1");
    expect(marks()).toEqual({ a1: 1 });
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({ a2: 1 });
  });

  it("lets a retried row older than the head in flight wait for it, then take over", () => {
    ingest("a", "a1", "a2", "a3");
    fail("a1");
    start("a2");
    retry("a1");
    expect(marks()).toEqual({ a1: 2, a2: 1 });
    finish("a2", "delivered");
    expect(marks()).toEqual({ a1: 1 });
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({ a3: 1 });
  });

  it("puts the head back behind the retried row when the head's attempt fails and will be retried", () => {
    ingest("a", "a1", "a2", "a3");
    fail("a1");
    start("a2");
    retry("a1");
    finish("a2", "pending", NOW + 60_000);
    expect(marks()).toEqual({ a1: 1 });
    start("a1");
    finish("a1", "delivered");
    expect(marks()).toEqual({ a2: 1 });
  });

  it("keeps the oldest of several retried rows waiting, whichever is retried first", () => {
    ingest("a", "a1", "a2", "a3", "a4");
    fail("a1");
    fail("a2");
    start("a3");
    retry("a2");
    retry("a1");
    expect(marks()).toEqual({ a1: 2, a3: 1 });
    finish("a3", "delivered");
    expect(marks()).toEqual({ a1: 1 });
    fail("a1");
    expect(marks()).toEqual({ a2: 1 });
    fail("a2");
    expect(marks()).toEqual({ a4: 1 });
  });

  it("hands the wait on when the waiting row is cancelled", () => {
    ingest("a", "a1", "a2", "a3");
    fail("a1");
    fail("a2");
    start("a3");
    retry("a1");
    retry("a2");
    expect(controls.cancel(seqOf("a1"), NOW)).toBe("done");
    expect(marks()).toEqual({ a2: 2, a3: 1 });
  });

  it("leaves the marks alone when a row newer than the head is retried", () => {
    ingest("a", "a1", "a2");
    // Attempted out of turn, as while the endpoint was unordered.
    fail("a2");
    retry("a2");
    retry("a1");
    expect(marks()).toEqual({ a1: 1 });
  });

  it("marks a row retried into a key with no waiting rows", () => {
    ingest("a", "a1");
    fail("a1");
    expect(marks()).toEqual({});
    retry("a1");
    expect(marks()).toEqual({ a1: 1 });
  });

  it("keeps the marks through a hold and a release", () => {
    ingest("a", "a1", "a2");
    ingest("b", "b1");
    expect(store.holdPending("f", NOW)).toBe(3);
    expect(marks()).toEqual({ a1: 1, b1: 1 });
    expect(store.releaseHeld("f", NOW + 1)).toBe(3);
    expect(marks()).toEqual({ a1: 1, b1: 1 });
  });

  it("clears the marks of a deleted endpoint's backlog in every key, and an in-flight head's once it ends", () => {
    ingest("a", "a1", "a2", "a3");
    ingest("", "n1", "n2");
    ingest("b", "b1", "b2");
    fail("a1");
    start("a2");
    retry("a1");
    start("b1");
    expect(store.cancelBacklog("f", NOW)).toBe(5);
    expect(marks()).toEqual({ a2: 1, b1: 1 });
    finish("a2", "delivered");
    finish("b1", "pending", NOW + 60_000);
    expect(marks()).toEqual({ b1: 1 });
  });

  it("marks each key's oldest waiting row when an endpoint switches to FIFO", () => {
    ingestSpec(
      { id: "a1", endpoints: ["f"], orderingKey: "a" },
      { id: "b1", endpoints: ["f"], orderingKey: "b" },
      { id: "a2", endpoints: ["f"], orderingKey: "a" },
      { id: "n1", endpoints: ["f"] },
    );
    expect(marks()).toEqual({});
    store.assignFifoKeys("f");
    expect(marks()).toEqual({ a1: 1, b1: 1, n1: 1 });
  });
});

describe("migration 008", () => {
  it("marks each key's oldest waiting row of an existing database", () => {
    ingest("a", "a1", "a2", "a3");
    ingest("b", "b1", "b2");
    ingestSpec({ id: "u1", endpoints: ["u"] });
    fail("a1");
    start("b1");
    expect(store.holdPending("f", NOW)).toBe(3);
    // The database as schema 7 left it, then migrated again.
    db.run("DROP INDEX deliveries_fifo_due");
    db.run("DROP INDEX deliveries_fifo_marks");
    db.run("DROP INDEX deliveries_fifo_key");
    db.run(`CREATE INDEX deliveries_fifo ON deliveries (endpoint_id, fifo_key, seq) WHERE fifo_key IS NOT NULL AND status IN ('pending', 'in_flight')`);
    db.run("ALTER TABLE deliveries DROP COLUMN fifo_head");
    db.run("PRAGMA user_version = 7");
    migrate(db);
    expect(marks()).toEqual({ a2: 1, b1: 1 });
  });
});
