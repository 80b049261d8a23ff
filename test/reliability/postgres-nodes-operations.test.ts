/**
 * Three nodes started at once on an empty PostgreSQL database, as an operator
 * sees them (interface.md §11): the migrations run once while the others wait,
 * each node is ready, `GET /v1/nodes` on any node lists all three with exactly
 * the fields of §11, and metrics are per node: each names itself, one of them
 * runs housekeeping, and each counts only the attempts it made. Portal
 * sessions are shared through the database: opened on one node, a session
 * signs in on the others, and revoked on one, it is refused on all. A node
 * given another encryption key than the others refuses to start.
 * `delivery.concurrency` is per node: three nodes of 2 run 6 attempts at once.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hostname } from "node:os";
import pkg from "../../package.json" with { type: "json" };
import { LATEST_PG_SCHEMA } from "../../src/storage/postgres/migrate";
import { describePostgres } from "../helpers/postgres";
import { attemptsOf, ids, postRoundRobin, startNodes, stopAll } from "../helpers/postgres-nodes";
import { nodeIdOf, signedReceiver } from "../helpers/postgres-relay";
import { ADMIN_TOKEN, hookrelayCommand, type SpawnedRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { call, expectJson, openSession, statusOf } from "../tenants/fixture";

const tmp = tempDir();
afterAll(() => tmp.remove());

async function metricsOf(node: SpawnedRelay): Promise<string> {
  return (await fetch(`${node.url}/metrics`)).text();
}

describePostgres("three nodes, as an operator sees them", (db) => {
  it("start together on an empty database, each listing all three with §11's fields, each with metrics of its own", async () => {
    const sql = new SQL(db.url, { max: 1 });
    expect(await sql`SELECT to_regclass('hookrelay_schema') IS NULL AS empty`).toEqual([{ empty: true }]);
    const signed = signedReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    try {
      expect(await sql`SELECT version FROM hookrelay_schema`).toEqual([{ version: LATEST_PG_SCHEMA }]);
      for (const node of nodes) expect((await fetch(`${node.url}/readyz`)).status).toBe(200);

      const expected = nodes.map(nodeIdOf).sort();
      for (const node of nodes) {
        const page = (await (await fetch(`${node.url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
          items: Record<string, unknown>[];
          next_cursor: string | null;
        };
        expect(page.next_cursor).toBeNull();
        expect(page.items.map((n) => n.id)).toEqual(expected);
        for (const item of page.items) {
          expect(Object.keys(item).sort()).toEqual(["hostname", "id", "in_flight", "last_seen_at", "started_at", "version"]);
          expect(item).toMatchObject({ hostname: hostname(), version: pkg.version });
          expect(Date.parse(item.started_at as string)).toBeLessThanOrEqual(Date.parse(item.last_seen_at as string));
          expect(item.in_flight).toBeGreaterThanOrEqual(0);
        }
      }

      for (const [i, node] of nodes.entries()) {
        expect(await metricsOf(node)).toContain(`hookrelay_node_info{node="${nodeIdOf(node)}",hostname="${hostname()}"} 1\n`);
        expect(await metricsOf(node)).not.toContain(`node="${nodeIdOf(nodes[(i + 1) % nodes.length]!)}"`);
      }
      const housekeepers = () => Promise.all(nodes.map(async (n) => (await metricsOf(n)).includes("hookrelay_node_housekeeper 1\n")));
      await waitFor("one node holding the housekeeping lease", async () => (await housekeepers()).filter(Boolean).length === 1, 20_000);

      const posted = ids("ops", 30);
      expect(await postRoundRobin(nodes, posted)).toEqual(posted);
      await signed.waitForAll(posted, 30_000);
      // Each node counts the attempts it made, so only their sum is every delivery: a database-wide figure would count each thrice.
      await waitFor(
        "every attempt counted by the node that made it",
        async () => {
          const counts = await Promise.all(nodes.map(attemptsOf));
          return counts.reduce((a, b) => a + b, 0) === posted.length ? counts : null;
        },
        10_000,
      );
      expect(signed.duplicates()).toBe(0);
    } finally {
      await stopAll(nodes, signed);
      await sql.close();
    }
  }, 90_000);

  it("share portal sessions: opened on one node it signs in on every node, revoked on another it is refused on all", async () => {
    const signed = signedReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    try {
      const [a, b, c] = nodes as [SpawnedRelay, SpawnedRelay, SpawnedRelay];
      const session = await openSession(a, "acme");
      for (const node of nodes) expect((await statusOf(call(node, session.token, "GET", "/v1/endpoints"))).status).toBe(200);
      expect((await statusOf(call(b, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${session.id}`))).status).toBe(204);
      for (const node of [a, b, c]) expect((await statusOf(call(node, session.token, "GET", "/v1/endpoints"))).status).toBe(401);
    } finally {
      await stopAll(nodes, signed);
    }
  }, 60_000);

  it("refuse to start a node whose encryption key is not the one the others sealed secrets under, in one sentence", async () => {
    const signed = signedReceiver();
    const [first] = await startNodes(tmp.dir, db, signed, { lease: "2m" }, 1);
    try {
      await expectJson(call(first!, ADMIN_TOKEN, "POST", "/v1/endpoints", { id: "sealed", url: signed.receiver.url, events: ["*"] }), 201);
      const other = join(tmp.dir, "other-key");
      mkdirSync(other, { recursive: true });
      const yaml = readFileSync(join(tmp.dir, "hookrelay.yaml"), "utf8").replace(`encryption_key: ${"cd".repeat(32)}`, `encryption_key: ${"ef".repeat(32)}`);
      const proc = Bun.spawn([...hookrelayCommand(), "serve", "--config", writeConfig(other, yaml)], { stdout: "pipe", stderr: "pipe" });
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^hookrelay serve: cannot open the stored secrets of endpoints created over the API: sealed under key \S+, which is not configured \(storage\.encryption_keys\); list the key they were sealed under in storage\.encryption_keys\n$/);
    } finally {
      await stopAll([first!], signed);
    }
  }, 60_000);

  it("count delivery.concurrency per node: three nodes of 2 hold 6 attempts open at once, each node 2, never more", async () => {
    let open = 0;
    let most = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const signed = signedReceiver(async () => {
      most = Math.max(most, ++open);
      await released;
      open--;
    });
    // Eight endpoints of one attempt at a time: more than the nodes' slots, so the slots are what binds.
    const options = { lease: "2m", endpointIds: ids("slot", 8), endpoint: "    max_in_flight: 1\n", sections: "delivery:\n  concurrency: 2\n" };
    const nodes = await startNodes(tmp.dir, db, signed, options);
    try {
      const posted = ids("busy", 3);
      expect(await postRoundRobin(nodes, posted)).toEqual(posted);
      await waitFor("6 attempts open at the receiver", () => open === 6, 20_000);
      const inFlight = await waitFor(
        "every node's heartbeat showing its 2 attempts",
        async () => {
          const page = (await (await fetch(`${nodes[0]!.url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: { in_flight: number }[] };
          const counts = page.items.map((n) => n.in_flight);
          return counts.length === 3 && counts.every((n) => n === 2) ? counts : null;
        },
        20_000,
      );
      expect(inFlight).toEqual([2, 2, 2]);
      expect(most).toBe(6);
      // The backlog is the database's, the same on every node: 3 events to 8 endpoints, 6 of them in flight, the 18 others pending.
      const backlogs = await Promise.all(
        nodes.map(async (n) => (await metricsOf(n)).split("\n").filter((l) => l.startsWith('hookrelay_backlog{endpoint="slot-') && l.includes('status="pending"'))),
      );
      expect(backlogs[1]).toEqual(backlogs[0]!);
      expect(backlogs[2]).toEqual(backlogs[0]!);
      expect(backlogs[0]!.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0)).toBe(18);
    } finally {
      release();
      await stopAll(nodes, signed);
    }
  }, 90_000);
});
