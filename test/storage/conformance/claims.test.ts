/** Claims: due rows in due order, up to the limit, never one row to two holders; retries come back at their time. */
import { expect, it } from "bun:test";
import { attempt, delivered, ids, ingest, NOW, request, retryAt } from "./fixtures";
import { describeStorage, LEASE_MS } from "./storage";

describeStorage("claims", (fx) => {
  it("lease due rows soonest due first, up to the limit, with this node's lease", async () => {
    const s = await fx.open("node-a");
    await ingest(
      s,
      { id: "late", endpoints: ["a"], dueAt: NOW + 500 },
      { id: "first", endpoints: ["a"], dueAt: NOW - 20 },
      { id: "second", endpoints: ["a"], dueAt: NOW - 10 },
      { id: "third", endpoints: ["a"], dueAt: NOW },
      { id: "other", endpoints: ["b"], dueAt: NOW - 30 },
    );
    const got = (await s.claims.claim(request("a", 2), NOW)).leased;
    expect(ids(got)).toEqual(["first", "second"]);
    expect(got[0]!.lease.owner).toBe("node-a");
    expect(got[0]!.lease.expiresAt).toBe(NOW + LEASE_MS);
    expect(got[0]).toMatchObject({ endpointId: "a", eventType: "order.created", eventData: '{"id":"first"}', eventTime: NOW, attempts: 0, createdAt: NOW, fifoKey: null });
    expect(ids((await s.claims.claim(request("a", 5), NOW)).leased)).toEqual(["third"]);
    expect((await s.claims.claim(request("a", 5), NOW)).leased).toEqual([]);
    expect(await s.claims.nextDueAt("a", false)).toBe(NOW + 500);
    expect((await s.queries.eventDeliveries("first"))[0]!.status).toBe("in_flight");
  });

  it("say when the first row left behind falls due, as nextDueAt does", async () => {
    const s = await fx.open();
    await ingest(s, { id: "now1", endpoints: ["a"] }, { id: "now2", endpoints: ["a"] }, { id: "later", endpoints: ["a"], dueAt: NOW + 700 });
    const some = await s.claims.claim(request("a", 1), NOW);
    expect(ids(some.leased)).toEqual(["now1"]);
    expect(some.next).toBe(NOW);
    const rest = await s.claims.claim(request("a", 5), NOW);
    expect(ids(rest.leased)).toEqual(["now2"]);
    expect(rest.next).toBe(NOW + 700);
    expect(await s.claims.nextDueAt("a", false)).toBe(NOW + 700);
    const none = await s.claims.claim(request("a", 5), NOW + 700);
    expect(ids(none.leased)).toEqual(["later"]);
    expect(none.next).toBeNull();
  });

  it("claim a round in order, each request within the slots the ones before it left", async () => {
    const s = await fx.open();
    await ingest(
      s,
      { id: "a1", endpoints: ["a"] },
      { id: "a2", endpoints: ["a"] },
      { id: "c1", endpoints: ["c"] },
      { id: "c2", endpoints: ["c"] },
      { id: "d1", endpoints: ["d"] },
    );
    const round = await s.claims.claimEach([request("a", 5), request("b", 5), request("c", 1), request("d", 5)], 4, NOW);
    expect(round.map((c) => [ids(c.leased), c.asked])).toEqual([
      [["a1", "a2"], 4],
      [[], 2],
      [["c1"], 1],
      [["d1"], 1],
    ]);
    expect(round.every((c) => c.leased.every((d) => d.lease.owner === s.nodeId))).toBe(true);
    const full = await s.claims.claimEach([request("c", 5), request("a", 5)], 1, NOW);
    expect(full.map((c) => [ids(c.leased), c.asked])).toEqual([
      [["c2"], 1],
      [[], 0],
    ]);
  });

  it("list every endpoint with pending rows and its earliest due time", async () => {
    const s = await fx.open();
    await ingest(s, { id: "1", endpoints: ["b"], dueAt: NOW + 5 }, { id: "2", endpoints: ["a", "b"], dueAt: NOW + 9 }, { id: "3", endpoints: ["c"], held: true });
    expect(await s.claims.dueEndpoints()).toEqual([
      { id: "a", at: NOW + 9 },
      { id: "b", at: NOW + 5 },
    ]);
    expect(await s.claims.nextDueAt("c", false)).toBeNull();
  });

  it("never hand a row out twice", async () => {
    const s = await fx.open();
    await ingest(s, ...Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, endpoints: ["a"] })));
    const rounds = await Promise.all(Array.from({ length: 8 }, () => s.claims.claim(request("a", 3), NOW).then((c) => c.leased)));
    const seqs = rounds.flat().map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length).toBe(20);
  });

  it("bring a failed attempt back at its retry time with its attempt count, and finish it when delivered", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e", endpoints: ["a"] });
    const [first] = (await s.claims.claim(request("a", 1), NOW)).leased;
    const [result] = await s.outcomes.record([attempt(first!, NOW + 10, retryAt(NOW + 5_000))], null);
    expect(result).toEqual({ recorded: true, counters: { consecutiveFailures: 1, failingSince: NOW, lastSuccessAt: null } });
    const row = (await s.queries.eventDeliveries("e"))[0]!;
    expect([row.status, row.attempts, row.next_attempt_at, row.last_status_code, row.last_error]).toEqual(["pending", 1, NOW + 5_000, 500, "HTTP 500"]);
    expect((await s.claims.claim(request("a", 1), NOW + 4_999)).leased).toEqual([]);
    expect(await s.claims.nextDueAt("a", false)).toBe(NOW + 5_000);
    const [second] = (await s.claims.claim(request("a", 1), NOW + 5_000)).leased;
    expect(second!.attempts).toBe(1);
    const [done] = await s.outcomes.record([attempt(second!, NOW + 5_100, delivered)], null);
    expect(done).toEqual({ recorded: true, counters: { consecutiveFailures: 0, failingSince: null, lastSuccessAt: NOW + 5_100 } });
    const finished = (await s.queries.eventDeliveries("e"))[0]!;
    expect([finished.status, finished.attempts, finished.next_attempt_at, finished.delivered_at]).toEqual(["delivered", 2, null, NOW + 5_100]);
    expect((await s.queries.attempts(finished.seq)).map((a) => [a.n, a.status_code, a.started_at])).toEqual([
      [1, 500, NOW],
      [2, 200, NOW + 5_090],
    ]);
    expect(await s.claims.dueEndpoints()).toEqual([]);
  });
});
