/**
 * @module test/jobs/lease-renewal — the renewal timer of one node on a real PostgreSQL database, with a lease
 * short enough to watch: the leases it is told of outlive their first expiry, the others run out, and a
 * database that fails is counted every time and logged once for the streak.
 */
import { SQL } from "bun";
import { expect, it } from "bun:test";
import { systemClock } from "../../src/clock";
import { createLogger } from "../../src/log";
import { RENEWALS_PER_LEASE, startLeaseRenewal } from "../../src/scheduler/lease-renewal";
import { postgresStorage } from "../../src/storage/postgres/storage";
import type { HeldLease, Storage } from "../../src/storage/stores";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { waitFor } from "../helpers/wait";
import { ingest, request } from "../storage/conformance/fixtures";

const LEASE_MS = 1_200;

describePostgres("lease renewal", (db) => {
  const defer = deferCleanup();

  async function node(): Promise<Storage> {
    const storage = postgresStorage({ url: db.url, pool: 2, nodeId: "node-a", leaseMs: LEASE_MS });
    await storage.migrations.migrate();
    return storage;
  }

  function renewal(storage: Storage, held: () => HeldLease[]) {
    const logs: string[] = [];
    let failures = 0;
    const job = startLeaseRenewal({
      renew: (leases, now) => storage.claims.renew(leases, now),
      held,
      leaseMs: LEASE_MS,
      clock: systemClock,
      log: createLogger("debug", "json", (l) => logs.push(l)),
      failed: () => failures++,
    });
    defer(() => job.stop());
    return { logs, failures: () => failures };
  }

  it("keeps the leases it is told of past several leases, while the one it is not told of is reaped", async () => {
    const storage = await node();
    defer(() => storage.close());
    const sql = new SQL(db.url, { max: 1 });
    defer(() => sql.close());
    await ingest(storage, { id: "kept", endpoints: ["a"] }, { id: "dropped", endpoints: ["a"] });
    const claimedAt = Date.now();
    const [kept] = (await storage.claims.claim(request("a", 2), claimedAt)).leased;
    renewal(storage, () => [{ seq: kept!.seq, token: kept!.lease.token }]);
    const expiry = async (event: string) => {
      const [r] = await sql`SELECT status, lease_expires_at FROM deliveries WHERE event_id = ${event}`;
      return { status: r.status as string, expiresAt: Number(r.lease_expires_at) };
    };
    await waitFor("the kept lease renewed past three leases after its claim", async () => (await expiry("kept")).expiresAt >= claimedAt + 3 * LEASE_MS, 10_000);
    expect(await storage.claims.reapExpired(Date.now())).toBe(1);
    expect([(await expiry("kept")).status, (await expiry("dropped")).status]).toEqual(["in_flight", "pending"]);
    // Never further ahead than one lease from its last renewal.
    expect((await expiry("kept")).expiresAt).toBeLessThanOrEqual(Date.now() + LEASE_MS);
  });

  it("counts every renewal that fails and logs the streak once", async () => {
    const storage = await node();
    await storage.close();
    const r = renewal(storage, () => [{ seq: 1, token: 1 }]);
    await waitFor("three failed renewals", () => r.failures() >= 3, (3 + 2) * (LEASE_MS / RENEWALS_PER_LEASE) + 5_000);
    expect(r.logs.filter((l) => l.includes("could not renew the leases"))).toHaveLength(1);
  });
});
