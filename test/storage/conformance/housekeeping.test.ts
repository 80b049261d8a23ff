/** Retention in bounded batches, and the per-minute rollups written with outcomes. */
import { expect, it } from "bun:test";
import { AttemptTally, RELAY_SCOPE } from "../../../src/stats/tally";
import { attempt, delivered, ingest, NOW, request } from "./fixtures";
import { describeStorage } from "./storage";

describeStorage("retention and rollups", (fx) => {
  it("prunes finished deliveries of one status older than a time, with their attempts and events left bare, a batch at a time", async () => {
    const s = await fx.open();
    await ingest(s, { id: "old1", endpoints: ["a"] }, { id: "old2", endpoints: ["a", "b"] }, { id: "young", endpoints: ["a"] });
    const rows = (await s.claims.claim(request("a", 3), NOW)).leased;
    await s.outcomes.record(rows.slice(0, 2).map((d) => attempt(d, NOW + 10, delivered)), null);
    await s.outcomes.record([attempt(rows[2]!, NOW + 1_000, delivered)], null);
    expect(await s.retention.pruneDeliveries("delivered", NOW + 500, 1)).toBe(1);
    expect(await s.retention.pruneDeliveries("failed", NOW + 500, 10)).toBe(0);
    expect(await s.retention.pruneDeliveries("delivered", NOW + 500, 10)).toBe(1);
    expect(await s.queries.event("old1")).toBeNull();
    // Its delivery to b is still pending: the event stays with it.
    expect(await s.queries.event("old2")).not.toBeNull();
    expect(await s.queries.attempts(rows[0]!.seq)).toEqual([]);
    expect((await s.queries.eventDeliveries("young"))[0]!.status).toBe("delivered");
  });

  it("prunes old events that reached no endpoint, walking in creation order from a cursor", async () => {
    const s = await fx.open();
    await ingest(
      s,
      { id: "bare1", endpoints: [], at: NOW },
      { id: "kept", endpoints: ["a"], at: NOW + 1 },
      { id: "bare2", endpoints: [], at: NOW + 2 },
      { id: "bare3", endpoints: [], at: NOW + 3 },
      { id: "new", endpoints: [], at: NOW + 100 },
    );
    const first = await s.retention.pruneBareEvents(NOW + 50, null, 2);
    expect(first.deleted).toBe(1);
    expect(first.next).not.toBeNull();
    const second = await s.retention.pruneBareEvents(NOW + 50, first.next, 2);
    expect(second.deleted).toBe(2);
    const third = await s.retention.pruneBareEvents(NOW + 50, second.next, 2);
    expect(third).toEqual({ deleted: 0, next: null });
    expect(await s.queries.event("kept")).not.toBeNull();
    expect(await s.queries.event("new")).not.toBeNull();
    expect(await s.queries.event("bare2")).toBeNull();
  });

  it("adds each flush's tally to the minute's rows, reads them in buckets, and prunes the oldest minutes", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] });
    const [d1, d2] = (await s.claims.claim(request("a", 2), NOW)).leased;
    const minute = Math.floor(NOW / 60_000);
    const t1 = new AttemptTally();
    t1.add("a", "acme", NOW + 10, "success", 40, "delivered");
    await s.outcomes.record([attempt(d1!, NOW + 10, delivered)], t1);
    const t2 = new AttemptTally();
    t2.add("a", "acme", NOW + 60_000, "http_error", 900, null);
    await s.outcomes.record([attempt(d2!, NOW + 60_000, { status: "pending", nextAttemptAt: NOW + 120_000 })], t2);
    // One bucket as wide as every minute up to the window's end: both minutes in bucket 0.
    const [one] = await s.rollups.read("a", minute, minute + 2, minute + 2);
    expect(one).toMatchObject({ bucket: 0, attempts: 2, success: 1, http_error: 1, delivered: 1, failed: 0, latency_max_ms: 900 });
    const relay = await s.rollups.read(RELAY_SCOPE, minute, minute + 2, 1);
    expect(relay.map((b) => [b.attempts, b.success])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    expect(await s.retention.pruneRollups(minute + 1, 100)).toBe(3);
    expect(await s.rollups.read("a", minute, minute + 2, 1)).toHaveLength(1);
  });
});
