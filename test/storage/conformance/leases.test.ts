/** Leases: expiry and the reaper, and an outcome under a lease that was taken over changing nothing. */
import { expect, it } from "bun:test";
import { attempt, delivered, ids, ingest, NOW, request, retryAt } from "./fixtures";
import type { LeasedDelivery } from "../../../src/storage/stores";
import { describeStorage, LEASE_MS } from "./storage";

describeStorage("leases", (fx) => {
  it("return to pending when they expire and the reaper runs, and not before", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] });
    const [first] = (await s.claims.claim(request("a", 1), NOW)).leased;
    await s.claims.claim(request("a", 1), NOW + 1_000);
    expect(await s.claims.reapExpired(NOW + LEASE_MS - 1)).toBe(0);
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    const rows = await s.queries.eventDeliveries("e1");
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["pending", 0]]);
    expect((await s.queries.eventDeliveries("e2"))[0]!.status).toBe("in_flight");
    const [again] = (await s.claims.claim(request("a", 5), NOW + LEASE_MS)).leased;
    expect(again!.seq).toBe(first!.seq);
    expect(again!.lease.token).not.toBe(first!.lease.token);
    expect(again!.lease.expiresAt).toBe(NOW + 2 * LEASE_MS);
  });

  it("go back to pending all at once when their node lets them go, due as they were, its outcomes refused after", async () => {
    const s = await fx.open("node-a");
    await ingest(s, { id: "a1", endpoints: ["x"] }, { id: "a2", endpoints: ["x"] }, { id: "b1", endpoints: ["y"] });
    const [held] = (await s.claims.claim(request("x", 2), NOW)).leased;
    await s.claims.claim(request("y", 1), NOW);
    expect(await s.claims.releaseOwn(NOW + 5)).toBe(3);
    const rows = await Promise.all(["a1", "a2", "b1"].map(async (id) => (await s.queries.eventDeliveries(id))[0]!));
    expect(rows.map((r) => [r.status, r.next_attempt_at])).toEqual([["pending", NOW], ["pending", NOW], ["pending", NOW]]);
    expect(await s.outcomes.record([attempt(held!, NOW + 6, delivered)], null)).toEqual([{ recorded: false }]);
    expect(ids((await s.claims.claim(request("x", 5), NOW + 7)).leased)).toEqual(["a1", "a2"]);
    expect(await s.claims.releaseOwn(NOW + 8)).toBe(2);
  });

  it("on several nodes: a node that lets its leases go leaves the others' alone", async () => {
    if (!fx.multiNode) return;
    const a = await fx.open("node-a");
    const b = await fx.open("node-b");
    await ingest(a, { id: "mine", endpoints: ["x"] }, { id: "theirs", endpoints: ["y"] });
    await a.claims.claim(request("x", 1), NOW);
    const [theirs] = (await b.claims.claim(request("y", 1), NOW)).leased;
    expect(await a.claims.releaseOwn(NOW + 1)).toBe(1);
    expect((await a.queries.eventDeliveries("theirs"))[0]!.status).toBe("in_flight");
    expect((await b.outcomes.record([attempt(theirs!, NOW + 2, delivered)], null))[0]!.recorded).toBe(true);
  });

  it("refuse the outcome of a lease taken over, changing nothing, and take the new holder's", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e", endpoints: ["a"] });
    const [stale] = (await s.claims.claim(request("a", 1), NOW)).leased;
    await s.claims.reapExpired(NOW + LEASE_MS);
    // Reaped and not yet leased again: the old holder still records nothing.
    expect(await s.outcomes.record([attempt(stale!, NOW + LEASE_MS + 1, delivered)], null)).toEqual([{ recorded: false }]);
    const [fresh] = (await s.claims.claim(request("a", 1), NOW + LEASE_MS + 2)).leased;
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
    const [lost] = (await a.claims.claim(request("x", 1), NOW)).leased;
    expect((await b.claims.claim(request("x", 1), NOW + 1)).leased).toEqual([]);
    expect(await b.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    const [taken] = (await b.claims.claim(request("x", 1), NOW + LEASE_MS)).leased;
    expect(taken!.lease.owner).toBe("node-b");
    expect(await a.outcomes.record([attempt(lost!, NOW + LEASE_MS + 1, delivered)], null)).toEqual([{ recorded: false }]);
    expect((await b.outcomes.record([attempt(taken!, NOW + LEASE_MS + 2, delivered)], null))[0]!.recorded).toBe(true);
    expect(ids((await a.claims.claim(request("x", 1), NOW + 2 * LEASE_MS)).leased)).toEqual([]);
  });
});

/** Renewal: a holder keeps the leases it names by token; nothing else moves. */
describeStorage("lease renewal", (fx) => {
  const held = (...leased: LeasedDelivery[]) => leased.map((d) => ({ seq: d.seq, token: d.lease.token }));

  it("extends the leases named to a full lease from now, so they outlive their first expiry and run out a lease after the last renewal", async () => {
    const s = await fx.open();
    await ingest(s, { id: "kept", endpoints: ["a"] }, { id: "left", endpoints: ["a"] });
    const [kept] = (await s.claims.claim(request("a", 2), NOW)).leased;
    const renewedAt = NOW + LEASE_MS / 3;
    expect(await s.claims.renew(held(kept!), renewedAt)).toBe(1);
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    expect((await s.queries.eventDeliveries("left"))[0]!.status).toBe("pending");
    expect((await s.queries.eventDeliveries("kept"))[0]!.status).toBe("in_flight");
    expect(await s.claims.reapExpired(renewedAt + LEASE_MS - 1)).toBe(0);
    expect(await s.claims.reapExpired(renewedAt + LEASE_MS)).toBe(1);
  });

  it("does not bring back a lease reaped meanwhile, nor extend the row's next lease under the old token", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e", endpoints: ["a"] });
    const [first] = (await s.claims.claim(request("a", 1), NOW)).leased;
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    expect(await s.claims.renew(held(first!), NOW + LEASE_MS + 1)).toBe(0);
    expect((await s.queries.eventDeliveries("e"))[0]!.status).toBe("pending");
    const [second] = (await s.claims.claim(request("a", 1), NOW + LEASE_MS + 2)).leased;
    expect(await s.claims.renew(held(first!), NOW + LEASE_MS + 3)).toBe(0);
    expect(await s.claims.reapExpired(NOW + 2 * LEASE_MS + 2)).toBe(1);
    expect(await s.outcomes.record([attempt(second!, NOW + 2 * LEASE_MS + 3, delivered)], null)).toEqual([{ recorded: false }]);
  });

  it("on several nodes: extends only this node's own live leases", async () => {
    if (!fx.multiNode) return;
    const a = await fx.open("node-a");
    const b = await fx.open("node-b");
    await ingest(a, { id: "mine", endpoints: ["x"] }, { id: "theirs", endpoints: ["y"] });
    const [mine] = (await a.claims.claim(request("x", 1), NOW)).leased;
    const [theirs] = (await b.claims.claim(request("y", 1), NOW)).leased;
    // Named by the wrong node, another node's lease stays as it was.
    expect(await a.claims.renew(held(mine!, theirs!), NOW + 1_000)).toBe(1);
    expect(await b.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    expect((await b.queries.eventDeliveries("theirs"))[0]!.status).toBe("pending");
    expect((await b.queries.eventDeliveries("mine"))[0]!.status).toBe("in_flight");
    // Renewed, its token is the same: its outcome is taken, and ends the lease.
    expect((await a.outcomes.record([attempt(mine!, NOW + 2_000, delivered)], null))[0]!.recorded).toBe(true);
    expect(await a.claims.renew(held(mine!), NOW + 3_000)).toBe(0);
  });

  it("on several nodes: a lease that expired and was taken by another node is not renewed by its old holder, whose outcome is refused", async () => {
    if (!fx.multiNode) return;
    const a = await fx.open("node-a");
    const b = await fx.open("node-b");
    await ingest(a, { id: "e", endpoints: ["x"] });
    // Node a is cut off from the database past its lease: b reaps the row and takes it.
    const [lost] = (await a.claims.claim(request("x", 1), NOW)).leased;
    expect(await b.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    const [taken] = (await b.claims.claim(request("x", 1), NOW + LEASE_MS)).leased;
    // Back, a renews what it still runs: nothing of b's moves.
    expect(await a.claims.renew(held(lost!), NOW + LEASE_MS + 1)).toBe(0);
    expect(await b.claims.reapExpired(NOW + 2 * LEASE_MS - 1)).toBe(0);
    expect(await a.outcomes.record([attempt(lost!, NOW + LEASE_MS + 2, delivered)], null)).toEqual([{ recorded: false }]);
    expect(await b.claims.renew(held(taken!), NOW + LEASE_MS + 3)).toBe(1);
    expect(await b.claims.reapExpired(NOW + 2 * LEASE_MS + 3)).toBe(1);
  });
});
