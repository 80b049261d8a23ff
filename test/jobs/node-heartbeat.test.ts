/**
 * @module test/jobs/node-heartbeat — three nodes on one real PostgreSQL database beating by hand on one
 * moved clock: who is listed, who holds the housekeeping lease, and what a clean stop or a failing database does.
 */
import { expect, it } from "bun:test";
import { createLogger } from "../../src/log";
import { ALIVE_MS, type NodeHeartbeat, startNodeHeartbeat } from "../../src/scheduler/node-heartbeat";
import { postgresStorage } from "../../src/storage/postgres/storage";
import type { Storage } from "../../src/storage/stores";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";

const START = 1_700_000_000_000;
// Never within a test: every beat below is one the test asks for.
const BY_HAND = "0 0 0 1 1 *";

describePostgres("node heartbeat", (db) => {
  const defer = deferCleanup();

  async function cluster(n: number) {
    let now = START;
    const clock = { now: () => now };
    const logs: string[] = [];
    const failures: string[] = [];
    const nodes: { storage: Storage; heartbeat: NodeHeartbeat; inFlight: number }[] = [];
    for (let i = 0; i < n; i++) {
      const storage = postgresStorage({ url: db.url, pool: 2, nodeId: `node-${i}`, leaseMs: 120_000 });
      defer(() => storage.close());
      await storage.migrations.migrate();
      const node = { storage, inFlight: 0, heartbeat: null as unknown as NodeHeartbeat };
      node.heartbeat = await startNodeHeartbeat({
        nodes: storage.nodes,
        housekeeping: storage.housekeeping,
        node: () => ({ id: `node-${i}`, hostname: `host-${i}`, version: "9.9.9", startedAt: START, inFlight: node.inFlight }),
        clock,
        log: createLogger("debug", "json", (l) => logs.push(l)),
        failed: () => failures.push(`node-${i}`),
        timetable: BY_HAND,
      });
      nodes.push(node);
    }
    const listed = async () => (await nodes[0]!.storage.nodes.alive(now - ALIVE_MS, null, 10)).map((r) => [r.id, r.inFlight]);
    const holders = () => nodes.filter((x) => x.heartbeat.holdsHousekeeping()).map((x) => x.storage.nodeId);
    return { nodes, logs, failures, listed, holders, move: (ms: number) => (now += ms) };
  }

  it("lists each node from its start, one holds the lease, and a clean stop leaves the listing and hands the lease on at the next beat", async () => {
    const c = await cluster(3);
    defer(() => Promise.all(c.nodes.slice(1).map((x) => x.heartbeat.stop())));
    expect(await c.listed()).toEqual([["node-0", 0], ["node-1", 0], ["node-2", 0]]);
    expect(c.holders()).toEqual(["node-0"]);
    c.nodes[1]!.inFlight = 4;
    c.move(5_000);
    for (const x of c.nodes) await x.heartbeat.beat();
    expect(await c.listed()).toEqual([["node-0", 0], ["node-1", 4], ["node-2", 0]]);
    expect(c.holders()).toEqual(["node-0"]);
    await c.nodes[0]!.heartbeat.stop();
    expect(c.holders()).toEqual([]);
    expect((await c.listed()).map(([id]) => id)).toEqual(["node-1", "node-2"]);
    c.move(1);
    await c.nodes[2]!.heartbeat.beat();
    await c.nodes[1]!.heartbeat.beat();
    expect(c.holders()).toEqual(["node-2"]);
  });

  it("a holder that stops beating loses the lease when it runs out, and the next beat of another takes it; its row drops out of the listing", async () => {
    const c = await cluster(2);
    defer(() => Promise.all(c.nodes.map((x) => x.heartbeat.stop())));
    expect(c.holders()).toEqual(["node-0"]);
    c.move(ALIVE_MS - 1);
    await c.nodes[1]!.heartbeat.beat();
    expect(c.holders()).toEqual(["node-0"]);
    c.move(1);
    expect(c.holders()).toEqual([]);
    await c.nodes[1]!.heartbeat.beat();
    expect(c.holders()).toEqual(["node-1"]);
    c.move(1);
    expect(await c.listed()).toEqual([["node-1", 0]]);
  });

  it("a beat that fails gives up housekeeping at once, is counted each time, and is logged once for the streak", async () => {
    const c = await cluster(1);
    const [node] = c.nodes;
    expect(c.holders()).toEqual(["node-0"]);
    await node!.storage.close();
    await node!.heartbeat.beat();
    await node!.heartbeat.beat();
    expect(c.holders()).toEqual([]);
    expect(c.failures).toEqual(["node-0", "node-0"]);
    expect(c.logs.filter((l) => l.includes("node heartbeat failed"))).toHaveLength(1);
    // The stop goes on without the database; the row and the lease run out by themselves.
    await node!.heartbeat.stop();
    expect(c.logs.some((l) => l.includes("could not leave the node listing"))).toBe(true);
  });
});
