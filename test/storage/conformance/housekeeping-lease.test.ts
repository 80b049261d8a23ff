/** The housekeeping lease: held by one node at a time, renewed by its holder, taken over once expired, released on stop. */
import { expect, it } from "bun:test";
import type { Storage } from "../../../src/storage/stores";
import { NOW } from "./fixtures";
import { describeStorage } from "./storage";

const TTL = 15_000;

describeStorage("housekeeping lease", (fx) => {
  it("is held by the node that takes it, renewed by it, and taken again after it is released", async () => {
    const s = await fx.open("node-a");
    expect(await s.housekeeping.acquire(NOW, TTL)).toBe(true);
    expect(await s.housekeeping.acquire(NOW + 5_000, TTL)).toBe(true);
    await s.housekeeping.release();
    expect(await s.housekeeping.acquire(NOW + 6_000, TTL)).toBe(true);
  });

  it("on several nodes: one holds it at a time; renewed, it outlasts its first expiry; expired, another takes it; released, the next takes it at once", async () => {
    if (!fx.multiNode) return;
    const [a, b, c] = [await fx.open("node-a"), await fx.open("node-b"), await fx.open("node-c")];
    const holders = async (at: number, nodes: Storage[]) => {
      const held: string[] = [];
      for (const s of nodes) if (await s.housekeeping.acquire(at, TTL)) held.push(s.nodeId);
      return held;
    };
    expect(await holders(NOW, [a, b, c])).toEqual(["node-a"]);
    // a renews before its lease ends; at the first expiry the others still find it held.
    expect(await holders(NOW + TTL - 1, [a])).toEqual(["node-a"]);
    expect(await holders(NOW + TTL, [b, c])).toEqual([]);
    // a stops renewing: once its renewed lease ended, b takes it and a no longer holds it.
    expect(await holders(NOW + 2 * TTL - 2, [b, c])).toEqual([]);
    expect(await holders(NOW + 2 * TTL - 1, [b, c, a])).toEqual(["node-b"]);
    // a's release of a lease it no longer holds takes nothing from b.
    await a.housekeeping.release();
    expect(await holders(NOW + 2 * TTL, [c, a, b])).toEqual(["node-b"]);
    await b.housekeeping.release();
    expect(await holders(NOW + 2 * TTL + 1, [c, a, b])).toEqual(["node-c"]);
  });

  it("on several nodes racing for a free or expired lease, exactly one wins each round", async () => {
    if (!fx.multiNode) return;
    const nodes = [await fx.open("node-a"), await fx.open("node-b"), await fx.open("node-c")];
    for (let round = 0; round < 20; round++) {
      const at = NOW + round * TTL;
      const won = await Promise.all(nodes.map((s) => s.housekeeping.acquire(at, TTL)));
      expect(won.filter(Boolean)).toHaveLength(1);
    }
  });
});
