/** The nodes on a database (heartbeats, the alive listing, leave, prune) and the housekeeping lease held by one node at a time. */
import { expect, it } from "bun:test";
import type { NodeBeat, Storage } from "../../../src/storage/stores";
import { NOW } from "./fixtures";
import { describeStorage } from "./storage";

const TTL = 15_000;

function beat(inFlight: number, startedAt = NOW - 60_000): NodeBeat {
  return { hostname: "relay-1.internal", version: "1.2.3", startedAt, inFlight };
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describeStorage("nodes", (fx) => {
  it("a heartbeat writes the node's row and the next one updates it; the listing shows every field", async () => {
    const s = await fx.open("node-a");
    expect(await s.nodes.alive(NOW - TTL, null, 10)).toEqual([]);
    await s.nodes.heartbeat(beat(3), NOW);
    await s.nodes.heartbeat(beat(7), NOW + 5_000);
    expect(await s.nodes.alive(NOW, null, 10)).toEqual([
      { id: "node-a", hostname: "relay-1.internal", version: "1.2.3", startedAt: NOW - 60_000, lastSeenAt: NOW + 5_000, inFlight: 7 },
    ]);
  });

  it("lists a node only while it was seen at or after the bound asked for", async () => {
    const s = await fx.open("node-a");
    await s.nodes.heartbeat(beat(0), NOW);
    expect(ids(await s.nodes.alive(NOW, null, 10))).toEqual(["node-a"]);
    expect(await s.nodes.alive(NOW + 1, null, 10)).toEqual([]);
    await s.nodes.heartbeat(beat(0), NOW + 20_000);
    expect(ids(await s.nodes.alive(NOW + 1, null, 10))).toEqual(["node-a"]);
  });

  it("pages by id after the cursor", async () => {
    const a = await fx.open("node-a");
    await a.nodes.heartbeat(beat(0), NOW);
    expect(ids(await a.nodes.alive(NOW, null, 1))).toEqual(["node-a"]);
    expect(await a.nodes.alive(NOW, "node-a", 1)).toEqual([]);
    if (!fx.multiNode) return;
    const nodes = [a, await fx.open("node-c"), await fx.open("node-b"), await fx.open("node-d")];
    for (const s of nodes) await s.nodes.heartbeat(beat(0), NOW);
    // A stale node is skipped inside a page, not counted in it.
    await nodes[1]!.nodes.heartbeat(beat(0), NOW - TTL - 1);
    const first = await a.nodes.alive(NOW - TTL, null, 2);
    expect(ids(first)).toEqual(["node-a", "node-b"]);
    expect(ids(await a.nodes.alive(NOW - TTL, first.at(-1)!.id, 2))).toEqual(["node-d"]);
    expect(await a.nodes.alive(NOW - TTL, "node-d", 2)).toEqual([]);
  });

  it("leave removes the node's own row and no other", async () => {
    const a = await fx.open("node-a");
    await a.nodes.heartbeat(beat(1), NOW);
    if (fx.multiNode) {
      const b = await fx.open("node-b");
      await b.nodes.heartbeat(beat(2), NOW);
      await a.nodes.leave();
      expect(ids(await b.nodes.alive(NOW - TTL, null, 10))).toEqual(["node-b"]);
      return;
    }
    await a.nodes.leave();
    expect(await a.nodes.alive(NOW - TTL, null, 10)).toEqual([]);
  });

  it("prune removes the rows of nodes last seen before a time, and the node beating again is back", async () => {
    const a = await fx.open("node-a");
    await a.nodes.heartbeat(beat(0), NOW);
    expect(await a.nodes.prune(NOW)).toBe(0);
    if (fx.multiNode) {
      const dead = await fx.open("node-dead");
      await dead.nodes.heartbeat(beat(0), NOW - 86_400_000);
      expect(await a.nodes.prune(NOW - 3_600_000)).toBe(1);
      expect(ids(await a.nodes.alive(0, null, 10))).toEqual(["node-a"]);
    }
    expect(await a.nodes.prune(NOW + 1)).toBe(1);
    expect(await a.nodes.alive(0, null, 10)).toEqual([]);
    await a.nodes.heartbeat(beat(0), NOW + 2);
    expect(ids(await a.nodes.alive(NOW, null, 10))).toEqual(["node-a"]);
  });
});

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
