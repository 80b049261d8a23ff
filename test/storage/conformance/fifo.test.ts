/**
 * FIFO: one head per key; a failing head blocks its key, a failed or cancelled
 * head frees it, a requeued head is first again, and a row retried by hand
 * never runs beside its key's head.
 */
import { expect, it } from "bun:test";
import { NO_UPPER_SEQ } from "../../../src/outbox/delivery-filter";
import { attempt, delivered, ids, ingest, NOW, request, retryAt } from "./fixtures";
import { describeStorage, LEASE_MS } from "./storage";

const fifo = (limit: number) => request("f", limit, { fifo: true });

describeStorage("FIFO", (fx) => {
  it("hands out one head per key, the next only once the head is delivered", async () => {
    const s = await fx.open();
    await ingest(
      s,
      { id: "k1-a", endpoints: ["f"], fifo: true, orderingKey: "k1" },
      { id: "k2-a", endpoints: ["f"], fifo: true, orderingKey: "k2" },
      { id: "k1-b", endpoints: ["f"], fifo: true, orderingKey: "k1" },
      { id: "k2-b", endpoints: ["f"], fifo: true, orderingKey: "k2" },
    );
    const heads = (await s.claims.claim(fifo(10), NOW)).leased;
    expect(ids(heads)).toEqual(["k1-a", "k2-a"]);
    expect(heads[0]!.fifoKey).toBe("k1");
    const blocked = await s.claims.claim(fifo(10), NOW);
    expect(blocked.leased).toEqual([]);
    // Each key waits on its head in flight: nothing is due next until one finishes.
    expect(blocked.next).toBeNull();
    await s.outcomes.record([attempt(heads[0]!, NOW + 1, delivered)], null);
    expect(ids((await s.claims.claim(fifo(10), NOW + 2)).leased)).toEqual(["k1-b"]);
  });

  it("blocks a key while its head waits for a retry, and frees it when the head is cancelled", async () => {
    const s = await fx.open();
    await ingest(s, { id: "h", endpoints: ["f"], fifo: true, orderingKey: "k" }, { id: "n", endpoints: ["f"], fifo: true, orderingKey: "k" });
    const [head] = (await s.claims.claim(fifo(10), NOW)).leased;
    await s.outcomes.record([attempt(head!, NOW + 1, retryAt(NOW + 60_000))], null);
    expect((await s.claims.claim(fifo(10), NOW + 2)).leased).toEqual([]);
    expect(await s.claims.nextDueAt("f", true)).toBe(NOW + 60_000);
    expect(await s.controls.cancel(head!.seq, NOW + 3)).toBe("done");
    expect(ids((await s.claims.claim(fifo(10), NOW + 4)).leased)).toEqual(["n"]);
  });

  it("holds the key's rows when the endpoint is disabled, and hands the head out first once released", async () => {
    const s = await fx.open();
    await ingest(s, { id: "h", endpoints: ["f"], fifo: true, orderingKey: "k" }, { id: "n", endpoints: ["f"], fifo: true, orderingKey: "k" });
    const [head] = (await s.claims.claim(fifo(10), NOW)).leased;
    expect(await s.endpointStates.disable("f", "auto_disabled", "failing", NOW + 1)).toBe(true);
    // The head's outcome lands while the endpoint is disabled: the scheduler holds it.
    await s.outcomes.record([attempt(head!, NOW + 2, { status: "held", nextAttemptAt: null })], null);
    const all = { status: "held", tenant: null, endpointId: "f", endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ } as const;
    expect(await s.queries.countDeliveries(all, 10)).toBe(2);
    expect((await s.claims.claim(fifo(10), NOW + 3)).leased).toEqual([]);
    expect(await s.endpointStates.releaseHeld("f", NOW + 4)).toBe(2);
    expect(ids((await s.claims.claim(fifo(10), NOW + 5)).leased)).toEqual(["h"]);
  });

  it("lets a failed head stop blocking its key, and keeps a row retried by hand behind the head in flight", async () => {
    const s = await fx.open();
    await ingest(s, ...["a1", "a2", "a3"].map((id) => ({ id, endpoints: ["f"], fifo: true, orderingKey: "a" })));
    const [a1] = (await s.claims.claim(fifo(10), NOW)).leased;
    await s.outcomes.record([attempt(a1!, NOW + 1, { status: "failed", nextAttemptAt: null })], null);
    const [a2] = (await s.claims.claim(fifo(10), NOW + 2)).leased;
    expect(a2!.eventId).toBe("a2");
    expect(await s.controls.retry(a1!.seq, NOW + 3, () => "pending")).toBe("done");
    // a1 is older, but a2's attempt runs: one attempt per key at a time.
    expect((await s.claims.claim(fifo(10), NOW + 4)).leased).toEqual([]);
    await s.outcomes.record([attempt(a2!, NOW + 5, delivered)], null);
    const [again] = (await s.claims.claim(fifo(10), NOW + 6)).leased;
    expect(again!.eventId).toBe("a1");
    await s.outcomes.record([attempt(again!, NOW + 7, delivered)], null);
    expect(ids((await s.claims.claim(fifo(10), NOW + 8)).leased)).toEqual(["a3"]);
  });

  it("hands a head whose lease was reaped out again before the rest of its key", async () => {
    const s = await fx.open();
    await ingest(s, { id: "h", endpoints: ["f"], fifo: true, orderingKey: "k" }, { id: "n", endpoints: ["f"], fifo: true, orderingKey: "k" });
    (await s.claims.claim(fifo(10), NOW)).leased;
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    expect(ids((await s.claims.claim(fifo(10), NOW + LEASE_MS)).leased)).toEqual(["h"]);
  });

  it("on several nodes: each key's head goes to one node, and never a second row of a key at once", async () => {
    if (!fx.multiNode) return;
    const nodes = await Promise.all([fx.open("n1"), fx.open("n2"), fx.open("n3")]);
    const keys = Array.from({ length: 10 }, (_, k) => `k${k}`);
    await ingest(nodes[0]!, ...keys.flatMap((k) => [0, 1, 2].map((i) => ({ id: `${k}-${i}`, endpoints: ["f"], fifo: true, orderingKey: k }))));
    const rounds = await Promise.all(nodes.flatMap((s) => [s, s].map((n) => n.claims.claim(fifo(10), NOW).then((c) => c.leased))));
    const got = rounds.flat();
    expect(got.map((d) => d.eventId).sort()).toEqual(keys.map((k) => `${k}-0`).sort());
  });
});
