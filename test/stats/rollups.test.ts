/** @module test/stats/rollups — the tally, the stored rollups, percentiles from their histogram, windows and retention. */
import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { migrate } from "../../src/db/migrate";
import { Rollups } from "../../src/outbox/rollups";
import { sqliteStorage } from "../../src/storage/sqlite/storage";
import { pruneExpired } from "../../src/scheduler/jobs";
import { statsAnswer } from "../../src/stats/answer";
import { LATENCY_BOUNDS_MS, latencyBucket, latencyQuantile } from "../../src/stats/latency";
import { AttemptTally, RELAY_SCOPE } from "../../src/stats/tally";
import { ROLLUP_RETENTION_MINUTES, windowRange } from "../../src/stats/window";

const MINUTE = 60_000;
const NOW = Date.parse("2026-03-08T12:34:56.789Z");

function database(): Database {
  const db = new Database(":memory:", { strict: true });
  migrate(db);
  return db;
}

describe("latency buckets", () => {
  it.each([
    [0, 0],
    [5, 0],
    [6, 1],
    [100, 4],
    [101, 5],
    [30_000, LATENCY_BOUNDS_MS.length - 1],
    [30_001, LATENCY_BOUNDS_MS.length],
  ])("%d ms falls in bucket %d", (ms, bucket) => {
    expect(latencyBucket(ms)).toBe(bucket);
  });

  it("interpolates a quantile inside its bucket and bounds the open bucket by the slowest attempt", () => {
    const counts = new Array(12).fill(0);
    counts[4] = 10; // 50 < ms <= 100
    expect(latencyQuantile(counts, 0.5, 100)).toBe(75);
    expect(latencyQuantile(counts, 1, 100)).toBe(100);
    // Nothing was slower than 80 ms, so the bucket ends there.
    expect(latencyQuantile(counts, 1, 80)).toBe(80);
    const slow = new Array(12).fill(0);
    slow[11] = 2;
    expect(latencyQuantile(slow, 0.99, 45_000)).toBeGreaterThan(30_000);
    expect(latencyQuantile(slow, 0.99, 45_000)).toBeLessThanOrEqual(45_000);
    expect(latencyQuantile(new Array(12).fill(0), 0.5, 0)).toBeNull();
  });
});

describe("tally and rollups", () => {
  it("writes one row per endpoint and minute, plus the relay's, and adds later flushes to them", () => {
    const db = database();
    const rollups = new Rollups(db);
    const first = new AttemptTally();
    first.add("a", null, NOW, "success", 3, "delivered");
    first.add("a", null, NOW + 1, "http_error", 40, null);
    first.add("b", null, NOW + 2, "timeout", 10_000, "failed");
    first.add("a", null, NOW + MINUTE, "success", 7, "delivered");
    rollups.save(first);
    expect((db.query("SELECT COUNT(*) AS n FROM attempt_rollups").get() as { n: number }).n).toBe(5);
    const second = new AttemptTally();
    second.add("a", null, NOW + 3, "network", 1, null);
    rollups.save(second);

    const range = windowRange("1h", NOW + MINUTE);
    const a = statsAnswer("1h", range, rollups.read("a", range.fromMinute, range.toMinute, range.stepMinutes));
    expect(a).toMatchObject({ attempts: 4, delivered: 2, failed: 0, success_rate: 0.5 });
    expect(a.by_result).toEqual({ success: 2, http_error: 1, timeout: 0, network: 1, blocked: 0 });
    expect(a.series.at(-2)).toMatchObject({ attempts: 3, failures: 2 });
    expect(a.series.at(-1)).toMatchObject({ attempts: 1, failures: 0 });
    const all = statsAnswer("1h", range, rollups.read(RELAY_SCOPE, range.fromMinute, range.toMinute, range.stepMinutes));
    expect(all).toMatchObject({ attempts: 5, delivered: 2, failed: 1 });
    expect(all.latency_ms.p99).toBeGreaterThan(5_000);
  });

  it("cuts each window into aligned buckets that end with the current one", () => {
    const day = windowRange("24h", NOW);
    expect(day.buckets).toBe(288);
    expect(day.toMinute % 5).toBe(0);
    expect(day.toMinute * MINUTE).toBeGreaterThan(NOW);
    expect(day.toMinute * MINUTE - NOW).toBeLessThanOrEqual(5 * MINUTE);
    expect(day.toMinute - day.fromMinute).toBe(288 * 5);
    const week = windowRange("7d", NOW);
    expect(week.toMinute - week.fromMinute).toBe(168 * 60);
  });

  it("retention deletes the rollups no window reads any more, and only those", async () => {
    const db = database();
    const rollups = new Rollups(db);
    const tally = new AttemptTally();
    const oldest = NOW - (ROLLUP_RETENTION_MINUTES + 1) * MINUTE;
    for (let i = 0; i < 1_200; i++) tally.add(`ep${i % 3}`, null, oldest - i * MINUTE, "success", 1, "delivered");
    // The oldest minute the week's window still reads.
    const week = windowRange("7d", NOW);
    tally.add("ep0", null, week.fromMinute * MINUTE, "success", 1, "delivered");
    rollups.save(tally);
    const counts = await pruneExpired(sqliteStorage(db, { nodeId: "test", leaseMs: 60_000 }).retention, { retentionMs: 86_400_000, failedRetentionMs: 86_400_000 }, NOW);
    // 1,200 old minutes, each with an endpoint row and the relay's, in batches of 500.
    expect(counts.rollups).toBe(2_400);
    const left = statsAnswer("7d", week, rollups.read("ep0", week.fromMinute, week.toMinute, week.stepMinutes));
    expect(left.attempts).toBe(1);
  });
});
