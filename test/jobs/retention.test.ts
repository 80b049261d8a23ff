/** @module test/jobs/retention — pruning run directly at a chosen `now`: what expires, what stays, and the indexes it walks. */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { FINISHED_SQL, OLD_EVENTS_SQL } from "../../src/outbox/retention";
import { PRUNE_BATCH, pruneExpired } from "../../src/scheduler/jobs";
import { sqliteStorage } from "../../src/storage/sqlite/storage";
import type { RetentionStore } from "../../src/storage/stores";
import { tempDir } from "../helpers/relay";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 8, 12, 0, 0);
const STORAGE = { retentionMs: 7 * DAY, failedRetentionMs: 30 * DAY };

let tmp: ReturnType<typeof tempDir>;
let db: Database;
let retention: RetentionStore;

beforeEach(() => {
  tmp = tempDir();
  db = openDatabase(join(tmp.dir, "hookrelay.db"), { sync: "normal" });
  migrate(db);
  retention = sqliteStorage(db, { nodeId: "test", leaseMs: 60_000 }).retention;
});
afterEach(() => {
  db.close();
  tmp.remove();
});

/** Stores an event with one delivery per status given, all last updated `ageMs` before NOW. */
function seed(eventId: string, ageMs: number, statuses: readonly string[]): void {
  const at = NOW - ageMs;
  db.run("INSERT INTO events (id, type, data, created_at) VALUES (?, 'scan.completed', '{}', ?)", [eventId, at]);
  statuses.forEach((status, i) => {
    const { seq } = db
      .query<{ seq: number }, [string, string, string, number, number]>(
        "INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES (?, ?, 'scan.completed', ?, ?, ?) RETURNING seq",
      )
      .get(eventId, `ep-${i}`, status, at, at)!;
    db.run("INSERT INTO attempts (delivery_seq, n, started_at, duration_ms, request_headers) VALUES (?, 1, ?, 5, '{}')", [seq, at]);
  });
}

const count = (sql: string) => (db.query(sql).get() as { n: number }).n;
const events = () => db.query<{ id: string }, []>("SELECT id FROM events ORDER BY id").all().map((r) => r.id);

describe("retention pruning", () => {
  it("removes delivered and cancelled deliveries older than retention, with their attempts and events", async () => {
    seed("old-delivered", 8 * DAY, ["delivered"]);
    seed("old-cancelled", 8 * DAY, ["cancelled"]);
    seed("young-delivered", 6 * DAY, ["delivered"]);
    const counts = await pruneExpired(retention, STORAGE, NOW);
    expect(counts).toEqual({ delivered: 1, cancelled: 1, failed: 0, bareEvents: 0, rollups: 0 });
    expect(events()).toEqual(["young-delivered"]);
    expect(count("SELECT COUNT(*) AS n FROM deliveries")).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM attempts")).toBe(1);
  });

  it("keeps failed deliveries until failed_retention, and their events with them", async () => {
    seed("failed-10d", 10 * DAY, ["failed"]);
    seed("failed-31d", 31 * DAY, ["failed"]);
    const counts = await pruneExpired(retention, STORAGE, NOW);
    expect(counts.failed).toBe(1);
    expect(events()).toEqual(["failed-10d"]);
  });

  it("never touches pending, in-flight or held deliveries, however old", async () => {
    seed("backlog", 400 * DAY, ["pending", "in_flight", "held"]);
    await pruneExpired(retention, STORAGE, NOW);
    expect(events()).toEqual(["backlog"]);
    expect(count("SELECT COUNT(*) AS n FROM deliveries")).toBe(3);
  });

  it("keeps an event while any of its deliveries remains", async () => {
    seed("mixed", 8 * DAY, ["delivered", "held"]);
    await pruneExpired(retention, STORAGE, NOW);
    expect(events()).toEqual(["mixed"]);
    expect(db.query("SELECT status FROM deliveries").all()).toEqual([{ status: "held" }]);
  });

  it("removes old events that matched no endpoint", async () => {
    seed("bare-old", 8 * DAY, []);
    seed("bare-young", 1 * DAY, []);
    const counts = await pruneExpired(retention, STORAGE, NOW);
    expect(counts.bareEvents).toBe(1);
    expect(events()).toEqual(["bare-young"]);
  });

  it("walks events oldest first through several batches, and stops at the first too young", async () => {
    const total = PRUNE_BATCH * 2 + 3;
    db.transaction(() => {
      for (let i = 0; i < total; i++) seed(`bare-${String(i).padStart(5, "0")}`, 9 * DAY - i, []);
      seed("young", 1 * DAY, []);
      seed("old-after-young", 8 * DAY, []);
    })();
    let pauses = 0;
    const counts = await pruneExpired(retention, STORAGE, NOW, { pause: async () => void pauses++ });
    expect(counts.bareEvents).toBe(total);
    expect(pauses).toBe(2);
    // Rowids follow creation time; an older event stored after a younger one
    // (a clock stepped back) waits for a later run rather than costing a walk past it.
    expect(events()).toEqual(["old-after-young", "young"]);
  });

  it("works through more rows than one batch, pausing between batches", async () => {
    const total = PRUNE_BATCH * 2 + 7;
    db.transaction(() => {
      for (let i = 0; i < total; i++) seed(`e${String(i).padStart(5, "0")}`, 8 * DAY + i, ["delivered"]);
    })();
    let pauses = 0;
    const counts = await pruneExpired(retention, STORAGE, NOW, { pause: async () => void pauses++ });
    expect(counts.delivered).toBe(total);
    expect(pauses).toBe(2);
    expect(count("SELECT COUNT(*) AS n FROM events")).toBe(0);
  });

  it("stops between batches when asked to", async () => {
    db.transaction(() => {
      for (let i = 0; i < PRUNE_BATCH * 3; i++) seed(`e${i}`, 8 * DAY, ["delivered"]);
    })();
    const counts = await pruneExpired(retention, STORAGE, NOW, { stopping: () => true });
    expect(counts.delivered).toBe(PRUNE_BATCH);
  });

  it("finds expired rows through indexes, never by scanning a table", () => {
    const plan = (sql: string, ...params: (string | number)[]) =>
      db
        .query<{ detail: string }, (string | number)[]>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => r.detail)
        .join("\n");
    expect(plan(FINISHED_SQL, "delivered", NOW, PRUNE_BATCH)).toMatch(/USING (COVERING )?INDEX deliveries_finished/);
    const bare = plan(OLD_EVENTS_SQL, 0, PRUNE_BATCH);
    expect(bare).toContain("SEARCH events USING INTEGER PRIMARY KEY (rowid>?)");
    expect(bare).not.toContain("TEMP B-TREE");
  });
});
