/**
 * @module test/storage/delivery-filter
 * Listings and bulk pages filtered by endpoint alone merge one index walk per
 * status, and by status alone one walk per endpoint id: the rows must still
 * come back in seq order, within the seq range and up to the limit.
 */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { migrate } from "../../src/db/migrate";
import { transactionRunner } from "../../src/db/transaction";
import { Controls } from "../../src/outbox/controls";
import { type DeliveryFilter, NO_UPPER_SEQ } from "../../src/outbox/delivery-filter";
import { Queries } from "../../src/outbox/queries";

const STATUSES = ["pending", "in_flight", "delivered", "failed", "held", "cancelled"];

let db: Database;
/** seq → [endpoint, status] of every row stored. */
const rows = new Map<number, [string, string]>();

beforeEach(() => {
  db = new Database(":memory:", { strict: true });
  migrate(db);
  rows.clear();
  const insert = db.prepare(
    "INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0) RETURNING seq",
  );
  // Statuses cycle at a different pace from endpoints, so each endpoint's rows mix every status.
  for (let i = 0; i < 60; i++) {
    const endpoint = i % 3 === 0 ? "b" : "a";
    const status = STATUSES[Math.floor(i / 3) % STATUSES.length]!;
    const { seq } = insert.get(`evt_${i}`, endpoint, i % 2 ? "odd" : "even", status) as { seq: number };
    rows.set(seq, [endpoint, status]);
  }
});
afterEach(() => db.close());

const filter = (f: Partial<DeliveryFilter>): DeliveryFilter => ({
  status: null,
  tenant: null,
  endpointId: null,
  endpointIds: null,
  eventType: null,
  fromSeq: 0,
  toSeq: NO_UPPER_SEQ,
  ...f,
});
const seqsOf = (endpoint: string) => [...rows].filter(([, [ep]]) => ep === endpoint).map(([seq]) => seq);

describe("filtering by endpoint alone", () => {
  it("lists newest first across every status, up to the limit", () => {
    const all = seqsOf("a").sort((x, y) => y - x);
    expect(new Set(all.map((s) => rows.get(s)![1])).size).toBe(STATUSES.length);
    const queries = new Queries(db);
    expect(queries.deliveries(filter({ endpointId: "a" }), 15).map((r) => r.seq)).toEqual(all.slice(0, 15));
    expect(queries.deliveries(filter({ endpointId: "a" }), 1000).map((r) => r.seq)).toEqual(all);
  });

  it("keeps to the seq range and the other filters", () => {
    const queries = new Queries(db);
    const got = queries.deliveries(filter({ endpointId: "b", eventType: "even", fromSeq: 10, toSeq: 50 }), 1000);
    const want = seqsOf("b")
      .filter((s) => s >= 10 && s < 50 && (s - 1) % 2 === 0)
      .sort((x, y) => y - x);
    expect(want.length).toBeGreaterThan(2);
    expect(got.map((r) => r.seq)).toEqual(want);
    expect(got.every((r) => r.endpoint_id === "b" && r.event_type === "even")).toBe(true);
  });

  it("pages bulk changes oldest first", () => {
    const controls = new Controls(db, transactionRunner(db));
    const page = controls.cancelPage(filter({ endpointId: "a" }), 10, 1);
    const first10 = seqsOf("a").sort((x, y) => x - y).slice(0, 10);
    expect(page.examined).toBe(10);
    expect(page.last).toBe(first10.at(-1)!);
    const cancellable = first10.filter((s) => ["pending", "held"].includes(rows.get(s)![1]));
    expect(page.changed).toBe(cancellable.length);
    const cancelledNow = db.query("SELECT seq FROM deliveries WHERE updated_at = 1 ORDER BY seq").all() as { seq: number }[];
    expect(cancelledNow.map((r) => r.seq)).toEqual(cancellable);
  });
});

describe("filtering by status alone", () => {
  // Ids sort apart from their seqs, and one endpoint ("z-gone") has a single row, as a removed endpoint might.
  beforeEach(() => {
    const { seq } = db
      .query("INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES ('evt_z', 'z-gone', 'even', 'held', 0, 0) RETURNING seq")
      .get() as { seq: number };
    rows.set(seq, ["z-gone", "held"]);
  });
  const seqsWith = (status: string) => [...rows].filter(([, [, st]]) => st === status).map(([seq]) => seq);

  it("merges every endpoint's rows newest first, up to the limit", () => {
    const held = seqsWith("held").sort((x, y) => y - x);
    expect(new Set(held.map((s) => rows.get(s)![0]))).toEqual(new Set(["a", "b", "z-gone"]));
    const queries = new Queries(db);
    expect(queries.deliveries(filter({ status: "held" }), 4).map((r) => r.seq)).toEqual(held.slice(0, 4));
    expect(queries.deliveries(filter({ status: "held" }), 1000).map((r) => r.seq)).toEqual(held);
    const evenInRange = held.filter((s) => s >= 5 && s < 40 && (s - 1) % 2 === 0);
    expect(queries.deliveries(filter({ status: "held", eventType: "even", fromSeq: 5, toSeq: 40 }), 1000).map((r) => r.seq)).toEqual(evenInRange);
  });

  it("pages bulk changes oldest first across endpoints", () => {
    const controls = new Controls(db, transactionRunner(db));
    const pending = seqsWith("pending").sort((x, y) => x - y);
    const page = controls.cancelPage(filter({ status: "pending" }), 5, 1);
    expect(page).toMatchObject({ changed: 5, examined: 5, last: pending[4]! });
    const cancelledNow = db.query("SELECT seq FROM deliveries WHERE updated_at = 1 ORDER BY seq").all() as { seq: number }[];
    expect(cancelledNow.map((r) => r.seq)).toEqual(pending.slice(0, 5));
  });
});
