/** disable_after: failures counted over every node, and the disable made once. */
import { expect, it } from "bun:test";
import { attempt, delivered, ingest, NOW, request, retryAt } from "./fixtures";
import { describeStorage } from "./storage";

describeStorage("auto-disable", (fx) => {
  it("counts consecutive failures from the first failure's start, and a success resets them", async () => {
    const s = await fx.open();
    await ingest(s, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] }, { id: "e3", endpoints: ["a"] });
    const rows = (await s.claims.claim(request("a", 3), NOW)).leased;
    const results = await s.outcomes.record(
      [attempt(rows[0]!, NOW + 100, retryAt(NOW + 5_000)), attempt(rows[1]!, NOW + 200, retryAt(NOW + 5_000)), attempt(rows[2]!, NOW + 300, { status: "pending", nextAttemptAt: NOW, verdict: null })],
      null,
    );
    expect(results.map((r) => r.recorded && r.counters)).toEqual([
      { consecutiveFailures: 1, failingSince: NOW + 90, lastSuccessAt: null },
      { consecutiveFailures: 2, failingSince: NOW + 90, lastSuccessAt: null },
      { consecutiveFailures: 2, failingSince: NOW + 90, lastSuccessAt: null },
    ]);
    const [again] = (await s.claims.claim(request("a", 1), NOW + 5_000)).leased;
    const [reset] = await s.outcomes.record([attempt(again!, NOW + 5_100, { status: "delivered", nextAttemptAt: null })], null);
    expect(reset).toEqual({ recorded: true, counters: { consecutiveFailures: 0, failingSince: null, lastSuccessAt: NOW + 5_100 } });
  });

  it("a registry write keeps the failures another node counted; only a reset save ends the streak", async () => {
    const [a, b] = fx.multiNode ? await Promise.all([fx.open("node-a"), fx.open("node-b")]) : await fx.open().then((s) => [s, s]);
    await ingest(b!, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] }, { id: "e3", endpoints: ["a"] });
    const rows = (await b!.claims.claim(request("a", 3), NOW)).leased;
    await b!.outcomes.record([attempt(rows[0]!, NOW + 100, delivered), attempt(rows[1]!, NOW + 200, retryAt(NOW + 5_000)), attempt(rows[2]!, NOW + 300, retryAt(NOW + 5_000))], null);
    const counted = { consecutiveFailures: 2, failingSince: NOW + 190, lastSuccessAt: NOW + 100 };
    // What A shows for the endpoint (its admin API) is what B counted, read from the database.
    expect(await a!.endpointStates.counters("a")).toEqual(counted);
    expect(await a!.endpointStates.counters("never-attempted")).toBeNull();
    // Node A's memory has not seen B's attempts: an edit it saves carries counters of none.
    const stale = { state: "active", disabledReason: null, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, configHash: "edited" } as const;
    await a!.endpointStates.save("a", stale);
    expect((await a!.endpointStates.loadAll()).get("a")).toEqual({ ...stale, ...counted });
    const disabled = { ...stale, state: "disabled", disabledReason: "disabled by an operator" } as const;
    await a!.endpointStates.save("a", disabled);
    expect((await b!.endpointStates.loadAll()).get("a")).toEqual({ ...disabled, ...counted });
    await a!.endpointStates.saveReset("a", stale);
    expect((await b!.endpointStates.loadAll()).get("a")).toEqual({ ...stale, lastSuccessAt: NOW + 100 });
    expect(await b!.endpointStates.counters("a")).toEqual({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: NOW + 100 });
    // A state saved before any attempt starts with no counters.
    await a!.endpointStates.save("b", { ...disabled, consecutiveFailures: 7, failingSince: NOW, lastSuccessAt: NOW });
    expect((await b!.endpointStates.loadAll()).get("b")).toEqual(disabled);
  });

  it("disables once: the first caller wins and holds the pending rows, the others change nothing", async () => {
    const nodes = fx.multiNode ? await Promise.all(["n1", "n2", "n3"].map((id) => fx.open(id))) : [await fx.open()];
    const s = nodes[0]!;
    await ingest(s, { id: "e1", endpoints: ["a"] }, { id: "e2", endpoints: ["a"] });
    const wins = await Promise.all([...nodes, ...nodes].map((n) => n.endpointStates.disable("a", "auto_disabled", "5 consecutive failed attempts", NOW)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const state = (await s.endpointStates.loadAll()).get("a")!;
    expect([state.state, state.disabledReason]).toEqual(["auto_disabled", "5 consecutive failed attempts"]);
    expect((await s.backlog.counts("a")).held).toBe(2);
    expect((await s.claims.claim(request("a", 5), NOW)).leased).toEqual([]);
    expect(await s.endpointStates.disable("a", "disabled", "by an operator", NOW)).toBe(false);
    await s.endpointStates.saveReset("a", { ...state, state: "active", disabledReason: null });
    expect(await s.endpointStates.releaseHeld("a", NOW + 1)).toBe(2);
    expect(await s.endpointStates.disable("a", "disabled", "by an operator", NOW + 2)).toBe(true);
  });
});
