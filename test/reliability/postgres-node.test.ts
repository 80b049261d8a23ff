/**
 * One node on PostgreSQL, end to end: the real daemon as a subprocess on a
 * real PostgreSQL database, delivering to a real receiver on 127.0.0.1 whose
 * requests are verified with the standardwebhooks library. Events answered
 * 202 are in the database already; a database that stops answering takes
 * the node out of /readyz and ingest answers 503 until it is back; a node
 * killed with SIGKILL under load loses nothing: the next one redelivers what
 * it had in flight once the lease expires.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { ingestLoad } from "../helpers/load";
import { describePostgres, type TestDatabase } from "../helpers/postgres";
import { PASSWORD, postEvent as post, postgresConfig, signedReceiver, stopRelay as stop } from "../helpers/postgres-relay";
import type { Receiver } from "../helpers/receiver";
import { ADMIN_TOKEN, spawnRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

/** Short, so a killed node's attempts are redone within the test. */
const LEASE = "2s";

const tmp = tempDir();
afterAll(() => tmp.remove());

const config = (db: TestDatabase, receiver: Receiver) => postgresConfig(tmp.dir, db, receiver, { lease: LEASE });

describePostgres("serve on PostgreSQL", (db) => {
  it("answers 202 only once the event is in the database, and delivers it signed", async () => {
    const { receiver, ids: seen, refused, waitForAll } = signedReceiver();
    const relay = await spawnRelay(config(db, receiver));
    const sql = new SQL(db.url, { max: 1 });
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `evt-${i}`);
      for (const id of ids) {
        expect((await post(relay, id)).status).toBe(202);
        const [row] = await sql`SELECT count(*)::int AS n FROM deliveries WHERE event_id = ${id}`;
        expect(row.n).toBe(1);
      }
      await waitForAll(ids, 15_000);
      expect([seen.size, refused()]).toEqual([ids.length, 0]);
      await waitFor("every delivery marked delivered", async () => {
        const [row] = await sql`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`;
        return row.n === ids.length;
      });
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
      const [me] = await sql`SELECT id FROM nodes`;
      // in_flight is as of the node's last heartbeat (every 5 s), which may have come while attempts ran.
      await waitFor(
        "the node listed with nothing in flight",
        async () => {
          const nodes = (await (await fetch(`${relay.url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: { id: string; in_flight: number }[]; next_cursor: string | null };
          return nodes.next_cursor === null && nodes.items.length === 1 && nodes.items[0]?.id === me.id && nodes.items[0]?.in_flight === 0;
        },
        15_000,
      );
      expect(relay.stdout() + relay.stderr()).not.toContain(PASSWORD);
    } finally {
      await sql.close();
      await stop(relay);
      receiver.close();
    }
  }, 60_000);

  it("is not ready and refuses events with 503 and Retry-After while the database is gone, and recovers by itself", async () => {
    const { receiver, ids, waitForAll } = signedReceiver();
    const relay = await spawnRelay(config(db, receiver));
    // The server's own database: this test's can refuse connections while it is switched off.
    const maintenance = new URL(db.url);
    maintenance.pathname = "/postgres";
    const admin = new SQL(maintenance.toString(), { max: 1 });
    try {
      expect((await post(relay, "before")).status).toBe(202);
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
      await waitFor("/readyz 503", async () => (await fetch(`${relay.url}/readyz`)).status === 503, 15_000);
      const refused = await post(relay, "during");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await waitFor("/readyz 200 again", async () => (await fetch(`${relay.url}/readyz`)).status === 200, 30_000);
      await waitFor("ingest back", async () => (await post(relay, "after")).status === 202, 30_000);
      await waitForAll(["before", "after"], 30_000);
      expect(ids.has("during")).toBe(false);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await admin.close();
      await stop(relay);
      receiver.close();
    }
  }, 90_000);

  it("loses nothing answered 202 when the node is SIGKILLed under load: the next node redelivers once the lease expires", async () => {
    // Slow answers keep attempts in flight, so the kill catches some leased.
    const { receiver, ids, refused, waitForAll } = signedReceiver(() => Bun.sleep(20));
    const path = config(db, receiver);
    let relay = await spawnRelay(path);
    try {
      const first = ingestLoad(relay.url, "kill", 2_000, 8);
      await waitFor("some events accepted and some delivered", () => first.accepted.length >= 300 && receiver.requests.length >= 50, 30_000);
      relay.proc.kill("SIGKILL");
      await relay.exited;
      first.stop();
      await first.done;
      relay = await spawnRelay(path);
      const second = ingestLoad(relay.url, "again", 200, 4);
      await second.done;
      const accepted = [...first.accepted, ...second.accepted];
      await waitForAll(accepted, 60_000);
      expect(refused()).toBe(0);
      const duplicates = receiver.requests.length - ids.size;
      console.log(`postgres kill: ${accepted.length} events accepted, ${duplicates} delivered twice (the killed node's attempts in flight)`);
      // What the killed node had in flight is back from its lease and recorded by the new one: nothing is left undone.
      const sql = new SQL(db.url, { max: 1 });
      try {
        await waitFor("every delivery recorded as delivered", async () => {
          const rows: { status: string; n: number }[] = await sql`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`;
          // More rows than accepted events: the kill may have cut off answers to events already committed.
          return rows.length === 1 && rows[0]!.status === "delivered" && rows[0]!.n >= accepted.length;
        }, 30_000);
      } finally {
        await sql.close();
      }
    } finally {
      await stop(relay);
      receiver.close();
    }
  }, 120_000);
});
