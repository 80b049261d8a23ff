/**
 * A node whose PostgreSQL database answers but takes no writes (a standby
 * after a failover, or a database set read-only for maintenance): `/readyz`
 * says so with 503, as interface.md §4 has it ready only while the database
 * is writable; ingest refuses with 503 and Retry-After, never 202; once the
 * database takes writes again the node is ready by itself and delivers.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { describePostgres } from "../helpers/postgres";
import { postEvent, postgresConfig, signedReceiver, stopRelay } from "../helpers/postgres-relay";
import { spawnRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const tmp = tempDir();
afterAll(() => tmp.remove());

describePostgres("serve on a PostgreSQL database that takes no writes", (db) => {
  it("is not ready and refuses events with 503 while the database is read-only, and recovers by itself", async () => {
    const { receiver, ids, waitForAll } = signedReceiver();
    const relay = await spawnRelay(postgresConfig(tmp.dir, db, receiver, { lease: "2m" }));
    const maintenance = new URL(db.url);
    maintenance.pathname = "/postgres";
    const admin = new SQL(maintenance.toString(), { max: 1 });
    // New sessions take the database's setting: end the node's, so its pool reconnects under it.
    const readOnly = async (on: boolean) => {
      await admin.unsafe(`ALTER DATABASE ${db.name} SET default_transaction_read_only = ${on ? "on" : "off"}`);
      await admin.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}'`);
    };
    try {
      expect((await postEvent(relay, "before")).status).toBe(202);
      await readOnly(true);
      // The terminated sessions make it not ready at first for that reason; then for the one this test is about.
      await waitFor(
        "/readyz 503 naming the read-only database",
        async () => {
          const res = await fetch(`${relay.url}/readyz`);
          return res.status === 503 && ((await res.json()) as { reason: string }).reason === "the database takes no writes (read-only)";
        },
        15_000,
      );
      const refused = await postEvent(relay, "during");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).not.toBeNull();
      await readOnly(false);
      await waitFor("/readyz 200 again", async () => (await fetch(`${relay.url}/readyz`)).status === 200, 30_000);
      await waitFor("ingest back", async () => (await postEvent(relay, "after")).status === 202, 30_000);
      await waitForAll(["before", "after"], 30_000);
      expect(ids.has("during")).toBe(false);
    } finally {
      await admin.unsafe(`ALTER DATABASE ${db.name} RESET default_transaction_read_only`);
      await admin.close();
      await stopRelay(relay);
      receiver.close();
    }
  }, 90_000);
});
