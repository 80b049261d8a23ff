/** max_in_flight and rate_limit count every lease of the endpoint, on every node. */
import { expect, it } from "bun:test";
import { attempt, delivered, ingest, NOW, request } from "./fixtures";
import { describeStorage, LEASE_MS } from "./storage";

const backlog = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, endpoints: ["a"] }));

describeStorage("limits", (fx) => {
  it("max_in_flight: leases no more than the limit until one finishes; an expired lease no longer counts", async () => {
    const s = await fx.open();
    await ingest(s, ...backlog(6));
    const first = (await s.claims.claim(request("a", 10, { maxInFlight: 2 }), NOW)).leased;
    expect(first).toHaveLength(2);
    const held = await s.claims.claim(request("a", 10, { maxInFlight: 2 }), NOW + 1);
    expect(held.leased).toEqual([]);
    // Rows wait due behind the limit: the round holds the endpoint back instead of asking again at once.
    expect(held.next === undefined ? await s.claims.nextDueAt("a", false) : held.next).toBe(NOW);
    await s.outcomes.record([attempt(first[0]!, NOW + 2, delivered)], null);
    expect((await s.claims.claim(request("a", 10, { maxInFlight: 2 }), NOW + 3)).leased).toHaveLength(1);
    await s.claims.reapExpired(NOW + LEASE_MS + 3);
    expect((await s.claims.claim(request("a", 10, { maxInFlight: 2 }), NOW + LEASE_MS + 3)).leased).toHaveLength(2);
  });

  it("rate_limit: starts no more than the bucket holds, refilled over time", async () => {
    const s = await fx.open();
    await ingest(s, ...backlog(10));
    const limit = { rateLimit: { count: 3, perMs: 3_000 } };
    expect((await s.claims.claim(request("a", 10, limit), NOW)).leased).toHaveLength(3);
    expect((await s.claims.claim(request("a", 10, limit), NOW + 999)).leased).toEqual([]);
    expect((await s.claims.claim(request("a", 10, limit), NOW + 1_000)).leased).toHaveLength(1);
    expect((await s.claims.claim(request("a", 10, limit), NOW + 60_000)).leased).toHaveLength(3);
  });

  it("on two nodes: max_in_flight and the rate limit are shared, even when both claim at once", async () => {
    if (!fx.multiNode) return;
    const a = await fx.open("node-a");
    const b = await fx.open("node-b");
    await ingest(a, ...backlog(40));
    const inFlight = { maxInFlight: 5 };
    const burst = await Promise.all([a, b, a, b, a, b].map((s) => s.claims.claim(request("a", 4, inFlight), NOW).then((c) => c.leased)));
    expect(burst.flat()).toHaveLength(5);
    expect(new Set(burst.flat().map((d) => d.lease.owner)).size).toBeGreaterThanOrEqual(1);
    await Promise.all(burst.flat().map((d) => (d.lease.owner === "node-a" ? a : b).outcomes.record([attempt(d, NOW + 1, delivered)], null)));
    const rate = { rateLimit: { count: 4, perMs: 60_000 } };
    const rated = await Promise.all([a, b, a, b].map((s) => s.claims.claim(request("a", 10, rate), NOW + 2).then((c) => c.leased)));
    expect(rated.flat()).toHaveLength(4);
    expect((await b.claims.claim(request("a", 10, rate), NOW + 3)).leased).toEqual([]);
  });
});
