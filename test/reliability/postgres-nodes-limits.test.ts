/**
 * Three nodes on one PostgreSQL database, end to end, at their limits: real
 * daemons from one YAML file, delivering to one real receiver that verifies
 * every request with the standardwebhooks library. An attempt that hangs
 * for longer than two leases keeps its lease (its node renews it) and is
 * sent once, unless its node is cut off from the database past its lease:
 * then another node sends it again and the cut-off node's late outcome is
 * refused; `rate_limit` and FIFO per key hold across the nodes; an outage
 * of PostgreSQL takes every node out and each comes back by itself; nodes
 * started on a database made by `hookrelay storage copy` deliver the copied
 * backlog, once each.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describePostgres } from "../helpers/postgres";
import { ids, postRoundRobin, startNodes, stopAll } from "../helpers/postgres-nodes";
import { postEvent, postgresConfig, signedReceiver, stopRelay } from "../helpers/postgres-relay";
import { configYaml, INGEST_TOKEN, type SpawnedRelay, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { BACKLOG_ENDPOINTS, copyProcess, writeBacklogFile } from "../helpers/storage-copy";
import { waitFor } from "../helpers/wait";

const tmp = tempDir();
afterAll(() => tmp.remove());

const LEASE_MS = 2_000;
const LEASE = `${LEASE_MS / 1000}s`;

const status = async (node: SpawnedRelay, path: string) => (await fetch(`${node.url}${path}`)).status;

describePostgres("three nodes on one PostgreSQL database, at their limits", (db) => {
  it("keeps the lease of an attempt hanging for more than two leases: no other node starts it again, and it is recorded delivered when it returns", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const signed = signedReceiver((id) => (id === "slow" ? released : Promise.resolve()));
    // The endpoint waits far longer than a lease: only renewal keeps the attempt its node's.
    const nodes = await startNodes(tmp.dir, db, signed, { lease: LEASE, endpoint: "    timeout: 60s\n" });
    const sql = new SQL(db.url, { max: 1 });
    try {
      expect((await postEvent(nodes[0]!, "slow")).status).toBe(202);
      await signed.receiver.waitForRequests(1, 15_000);
      // Leased at updated_at; an expiry a lease past two leases after that was renewed since two leases had passed.
      const row = await waitFor(
        "the lease renewed beyond two leases after the claim",
        async () => {
          const [r] = await sql`SELECT lease_owner, lease_token, lease_expires_at, updated_at FROM deliveries WHERE event_id = 'slow' AND status = 'in_flight'`;
          return r && Number(r.lease_expires_at) - Number(r.updated_at) >= 3 * LEASE_MS ? r : null;
        },
        20_000,
      );
      // Every node's reaper ran a few times meanwhile (once a second), yet the row kept its lease.
      expect(signed.receiver.requests).toHaveLength(1);
      release();
      await waitFor("the slow delivery recorded as delivered", async () => {
        const [r] = await sql`SELECT status, attempts, lease_token FROM deliveries WHERE event_id = 'slow'`;
        return r.status === "delivered" ? r : null;
      }, 15_000);
      const [done] = await sql`SELECT attempts, lease_token FROM deliveries WHERE event_id = 'slow'`;
      expect([done.attempts, String(done.lease_token)]).toEqual([1, String(row.lease_token)]);
      expect([signed.receiver.requests.length, signed.refused()]).toEqual([1, 0]);
    } finally {
      release();
      await sql.close();
      await stopAll(nodes, signed);
    }
  }, 90_000);

  it("a node cut off from the database past its lease loses its hanging attempt to another node, and what it records on its return is refused", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let cutSeen = 0;
    // The first attempt hangs on the node that will be cut off; the one another node makes is answered at once.
    const signed = signedReceiver(async (id) => {
      if (id === "cut" && ++cutSeen === 1) await released;
    });
    // The cut-off node logs in as a role of its own, so that one role's logins can be refused.
    const role = `cutoff_${db.name.slice(-8)}`;
    const maintenance = new URL(db.url);
    maintenance.pathname = "/postgres";
    const admin = new SQL(maintenance.toString(), { max: 1 });
    const asRole = new URL(db.url);
    asRole.username = role;
    const cutDir = join(tmp.dir, "cut");
    mkdirSync(cutDir, { recursive: true });
    const options = { lease: LEASE, endpoint: "    timeout: 60s\n" };
    const nodes: SpawnedRelay[] = [];
    const sql = new SQL(db.url, { max: 1 });
    try {
      await admin.unsafe(`CREATE ROLE ${role} LOGIN SUPERUSER`);
      const cut = await spawnRelay(postgresConfig(cutDir, { name: db.name, url: asRole.toString() }, signed.receiver, options));
      nodes.push(cut);
      // Started alone, the node to be cut off is the one that leases the event.
      expect((await postEvent(cut, "cut")).status).toBe(202);
      await signed.receiver.waitForRequests(1, 15_000);
      nodes.push(...(await startNodes(tmp.dir, db, signed, options, 2)));
      await admin.unsafe(`ALTER ROLE ${role} NOLOGIN`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
      await waitFor("the cut-off node not ready", async () => (await status(cut, "/readyz")) === 503, 15_000);
      // Its lease runs out unrenewed; another node reaps it and delivers.
      await waitFor("the delivery recorded by another node", async () => {
        const [r] = await sql`SELECT status FROM deliveries WHERE event_id = 'cut'`;
        return r.status === "delivered";
      }, 20_000);
      await admin.unsafe(`ALTER ROLE ${role} LOGIN`);
      await waitFor("the cut-off node ready again", async () => (await status(cut, "/readyz")) === 200, 30_000);
      release();
      // A clean stop records what finished before it exits: the late outcome has been offered by then.
      await stopRelay(cut);
      const [row] = await sql`SELECT status, attempts, seq FROM deliveries WHERE event_id = 'cut'`;
      const attempts = await sql`SELECT n, status_code FROM attempts WHERE delivery_seq = ${row.seq}`;
      expect([row.status, row.attempts, attempts.length, cutSeen, signed.refused()]).toEqual(["delivered", 1, 1, 2, 0]);
    } finally {
      release();
      await stopAll(nodes, signed);
      // Started first on a fresh database, the cut-off node may have created the schema.
      await sql.unsafe(`REASSIGN OWNED BY ${role} TO CURRENT_USER`);
      await sql.close();
      await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    }
  }, 120_000);

  it("holds rate_limit across the nodes: at most a burst plus a period's refill in any period, and the backlog takes as long as one bucket allows", async () => {
    const perSecond = 5;
    const signed = signedReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m", endpoint: `    rate_limit: ${perSecond}/s\n` });
    try {
      const posted = ids("rate", 30);
      expect(await postRoundRobin(nodes, posted)).toEqual(posted);
      await signed.waitForAll(posted, 30_000);
      const at = signed.receiver.requests.map((r) => r.at).sort((a, b) => a - b);
      // The bucket holds `perSecond` and refills `perSecond` a second: any second sees at most twice that start.
      const busiest = Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + 1_000).length));
      const spanMs = at.at(-1)! - at[0]!;
      console.log(`rate_limit ${perSecond}/s across three nodes: ${at.length} requests over ${spanMs} ms, at most ${busiest} in one second`);
      expect([signed.ids.size, signed.refused(), signed.duplicates()]).toEqual([posted.length, 0, 0]);
      expect(busiest).toBeLessThanOrEqual(2 * perSecond);
      // After the first burst, one bucket lets the rest through at `perSecond` a second; a bucket per node, three times as fast.
      expect(spanMs).toBeGreaterThanOrEqual(((posted.length - perSecond) / perSecond) * 1_000 - 250);
    } finally {
      await stopAll(nodes, signed);
    }
  }, 90_000);

  it("holds FIFO per key across the nodes: each key's events succeed in ingest order, one attempt of a key at a time, failed heads retried first", async () => {
    const keys = ["k0", "k1", "k2", "k3"];
    const perKey = 6;
    const keyOf = (id: string) => id.split("-")[1]!;
    const open = new Map<string, number>();
    const tried = new Set<string>();
    const succeeded: string[] = [];
    let overlaps = 0;
    const signed = signedReceiver(async (id) => {
      const key = keyOf(id);
      const now = (open.get(key) ?? 0) + 1;
      open.set(key, now);
      if (now > 1) overlaps++;
      // Answered a little later, so two attempts of one key on two nodes would overlap here.
      await Bun.sleep(15);
      open.set(key, open.get(key)! - 1);
      // Every third event of a key fails its first attempt while it is the head.
      const first = !tried.has(id);
      tried.add(id);
      if (first && Number(id.split("-")[2]) % 3 === 0) return new Response("not yet", { status: 500 });
      succeeded.push(id);
    });
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m", endpoint: "    ordering: fifo\n" });
    try {
      const posted: string[] = [];
      // One at a time, so ingest order is posting order, each to the next node.
      for (let i = 0; i < perKey; i++) {
        for (const key of keys) {
          const id = `fifo-${key}-${i}`;
          const res = await fetch(`${nodes[posted.length % nodes.length]!.url}/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify({ id, type: "order.created", data: { id }, ordering_key: key }),
          });
          expect(res.status).toBe(202);
          posted.push(id);
        }
      }
      await waitFor("every event succeeded", () => posted.every((id) => succeeded.includes(id)), 60_000);
      for (const key of keys) {
        expect(succeeded.filter((id) => keyOf(id) === key)).toEqual(posted.filter((id) => keyOf(id) === key));
      }
      const failedFirst = posted.filter((id) => Number(id.split("-")[2]) % 3 === 0).length;
      expect([overlaps, succeeded.length, signed.receiver.requests.length, signed.refused()]).toEqual([0, posted.length, posted.length + failedFirst, 0]);
    } finally {
      await stopAll(nodes, signed);
    }
  }, 120_000);

  it("during an outage of PostgreSQL every node refuses events with 503 and Retry-After and is not ready, then each recovers by itself and every event answered 202 is delivered", async () => {
    const signed = signedReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: LEASE });
    // The server's own database: this test's can refuse connections while it is switched off.
    const maintenance = new URL(db.url);
    maintenance.pathname = "/postgres";
    const admin = new SQL(maintenance.toString(), { max: 1 });
    try {
      const before = ids("before", 6);
      expect(await postRoundRobin(nodes, before)).toEqual(before);
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
      for (const [i, node] of nodes.entries()) {
        await waitFor(`/readyz 503 on node ${i}`, async () => (await status(node, "/readyz")) === 503, 15_000);
        const refused = await postEvent(node, `during-${i}`);
        expect(refused.status).toBe(503);
        expect(refused.headers.get("retry-after")).not.toBeNull();
      }
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      const after: string[] = [];
      for (const [i, node] of nodes.entries()) {
        await waitFor(`/readyz 200 again on node ${i}`, async () => (await status(node, "/readyz")) === 200, 30_000);
        await waitFor(`ingest back on node ${i}`, async () => (await postEvent(node, `after-${i}`)).status === 202, 30_000);
        after.push(`after-${i}`);
      }
      await signed.waitForAll([...before, ...after], 30_000);
      expect(nodes.some((_, i) => signed.ids.has(`during-${i}`))).toBe(false);
      expect(signed.refused()).toBe(0);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await admin.close();
      await stopAll(nodes, signed);
    }
  }, 120_000);
});

describePostgres("three nodes on a database made by hookrelay storage copy", (db) => {
  it("deliver the backlog copied from a SQLite file, each delivery once", async () => {
    const events = 300;
    const source = join(tmp.dir, "copied");
    const nodesDir = join(tmp.dir, "nodes");
    for (const dir of [source, nodesDir]) mkdirSync(dir);
    const sqliteConfig = writeConfig(source, configYaml(source, "  []").replace("endpoints:\n  []", "endpoints: []"));
    await writeBacklogFile(join(source, "hookrelay.db"), events, 64);
    const copy = await copyProcess(sqliteConfig, db.url);
    expect([copy.code, copy.stderr]).toEqual([0, ""]);
    const signed = signedReceiver();
    const endpointIds = Array.from({ length: BACKLOG_ENDPOINTS }, (_, i) => `ep${i}`);
    const nodes = await startNodes(nodesDir, db, signed, { lease: LEASE, endpointIds });
    const sql = new SQL(db.url, { max: 1 });
    try {
      const backlog = Array.from({ length: events }, (_, i) => `evt_${i}`);
      await signed.waitForAll(backlog, 60_000);
      await waitFor("no delivery left to do", async () => {
        const [r] = await sql`SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'`;
        return r.n === 0;
      }, 15_000);
      expect([signed.ids.size, signed.refused(), signed.duplicates()]).toEqual([events, 0, 0]);
    } finally {
      await sql.close();
      await stopAll(nodes, signed);
    }
  }, 120_000);
});
