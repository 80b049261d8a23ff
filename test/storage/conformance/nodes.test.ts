/** Nodes: each heartbeat replaces the node's row; a listing shows those seen lately, a page at a time. */
import { expect, it } from "bun:test";
import type { NodeRow } from "../../../src/storage/stores";
import { NOW } from "./fixtures";
import { describeStorage } from "./storage";

const node = (id: string, lastSeenAt: number, inFlight = 0): NodeRow => ({
  id,
  hostname: `host-${id}`,
  version: "1.2.3",
  startedAt: NOW,
  lastSeenAt,
  inFlight,
});

describeStorage("nodes", (fx) => {
  it("list a node from its heartbeat, as its latest one says, until it has not been seen lately", async () => {
    const s = await fx.open("n1");
    expect(await s.nodes.alive(NOW, null, 10)).toEqual([]);
    await s.nodes.heartbeat(node("n1", NOW, 3));
    await s.nodes.heartbeat(node("n1", NOW + 5_000, 7));
    expect(await s.nodes.alive(NOW + 1, null, 10)).toEqual([node("n1", NOW + 5_000, 7)]);
    expect(await s.nodes.alive(NOW + 5_001, null, 10)).toEqual([]);
    expect(await s.nodes.alive(NOW, "n1", 10)).toEqual([]);
    expect(await s.nodes.forget(NOW + 5_000)).toBe(0);
    expect(await s.nodes.forget(NOW + 5_001)).toBe(1);
    expect(await s.nodes.alive(0, null, 10)).toEqual([]);
  });

  it("on several nodes: list each node once, in id order, a page at a time, and forget those gone", async () => {
    if (!fx.multiNode) return;
    const [a, b, c] = [await fx.open("a"), await fx.open("b"), await fx.open("c")];
    await c.nodes.heartbeat(node("c", NOW + 10));
    await a.nodes.heartbeat(node("a", NOW + 20, 2));
    await b.nodes.heartbeat(node("b", NOW - 60_000));
    expect((await a.nodes.alive(NOW, null, 10)).map((n) => n.id)).toEqual(["a", "c"]);
    expect((await b.nodes.alive(NOW, null, 1)).map((n) => n.id)).toEqual(["a"]);
    expect((await b.nodes.alive(NOW, "a", 1)).map((n) => n.id)).toEqual(["c"]);
    expect(await c.nodes.forget(NOW)).toBe(1);
    expect((await c.nodes.alive(0, null, 10)).map((n) => n.id)).toEqual(["a", "c"]);
  });
});
