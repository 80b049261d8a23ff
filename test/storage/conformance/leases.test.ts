/** Leases: expiry and the reaper, and an outcome under a lease that was taken over changing nothing. */
import { expect, it } from "bun:test";
import { attempt, delivered, ids, ingest, NOW, request, retryAt } from "./fixtures";
import { describeStorage, LEASE_MS } from "./storage";

describeStorage("leases", (fx) => {
  it("return to pending when they expire and the reaper runs, and not before", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] });
    const [first] = await s.claims.claim(request("a", 1), NOW);
    await s.claims.claim(request("a", 1), NOW + 1_000);
    expect(await s.claims.reapExpired(NOW + LEASE_MS - 1)).toBe(0);
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    const rows = await s.queries.eventDeliveries("e1");
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["pending", 0]]);
    expect((await s.queries.eventDeliveries("e2"))[0]!.status).toBe("in_flight");
    const [again] = await s.claims.claim(request("a", 5), NOW + LEASE_MS);
    expect(again!.seq).toBe(first!.seq);
    expect(again!.lease.token).not.toBe(first!.lease.token);
    expect(again!.lease.expiresAt).toBe(NOW + 2 * LEASE_MS);
  });

  it("refuse the outcome of a lease taken over, changing nothing, and take the new holder's", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e", endpoints: ["a"] });
    const [stale] = await s.claims.claim(request("a", 1), NOW);
    await s.claims.reapExpired(NOW + LEASE_MS);
    // Reaped and not yet leased again: the old holder still records nothing.
    expect(await s.outcomes.record([attempt(stale!, NOW + LEASE_MS + 1, delivered)], null)).toEqual([{ recorded: false }]);
    const [fresh] = await s.claims.claim(request("a", 1), NOW + LEASE_MS + 2);
    const late = await s.outcomes.record([attempt(stale!, NOW + LEASE_MS + 3, retryAt(NOW + 9_999_999))], null);
    expect(late).toEqual([{ recorded: false }]);
    const row = (await s.queries.eventDeliveries("e"))[0]!;
    expect([row.status, row.attempts, row.next_attempt_at]).toEqual(["in_flight", 0, NOW]);
    expect(await s.queries.attempts(row.seq)).toEqual([]);
    expect((await s.endpointStates.loadAll()).get("a")?.consecutiveFailures ?? 0).toBe(0);
    const [ok] = await s.outcomes.record([attempt(fresh!, NOW + LEASE_MS + 4, delivered)], null);
    expect(ok!.recorded).toBe(true);
    expect((await s.queries.eventDeliveries("e"))[0]!.status).toBe("delivered");
    // The same outcome twice: the lease ended with the first.
    expect(await s.outcomes.record([attempt(fresh!, NOW + LEASE_MS + 5, delivered)], null)).toEqual([{ recorded: false }]);
    expect(await s.queries.attempts(row.seq)).toHaveLength(1);
  });

  it("on several nodes: a node's expired lease is reaped by another, which delivers it, and the first node's outcome is refused", async () => {
    if (!fx.multiNode) return;
    const a = await fx.open("node-a");
    const b = await fx.open("node-b");
    await ingest(a, { id: "e", endpoints: ["x"] });
    const [lost] = await a.claims.claim(request("x", 1), NOW);
    expect(await b.claims.claim(request("x", 1), NOW + 1)).toEqual([]);
    expect(await b.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    const [taken] = await b.claims.claim(request("x", 1), NOW + LEASE_MS);
    expect(taken!.lease.owner).toBe("node-b");
    expect(await a.outcomes.record([attempt(lost!, NOW + LEASE_MS + 1, delivered)], null)).toEqual([{ recorded: false }]);
    expect((await b.outcomes.record([attempt(taken!, NOW + LEASE_MS + 2, delivered)], null))[0]!.recorded).toBe(true);
    expect(ids(await a.claims.claim(request("x", 1), NOW + 2 * LEASE_MS))).toEqual([]);
  });
});
