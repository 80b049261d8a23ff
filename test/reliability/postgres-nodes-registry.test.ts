/**
 * Every node's endpoint registry follows the database, end to end: three
 * real daemons on one PostgreSQL database, an endpoint written over the
 * API of one node and events posted to the others. A create, an edit, a
 * rotation, a delete, an operator's disable and enable, and an auto-disable
 * counted over all three nodes (an edit on one between them undoing none
 * of the failures the others counted) each reach every node, and each is obeyed
 * there; receivers verify every request with the standardwebhooks library.
 * With the wake-ups of registry writes switched off, a change still
 * arrives by the 5 s polling backstop.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import { describePostgres } from "../helpers/postgres";
import { attemptsWith, postRoundRobin, startNodes, stopAll } from "../helpers/postgres-nodes";
import { postEvent, signedReceiver } from "../helpers/postgres-relay";
import { type Received, startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, type SpawnedRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const tmp = tempDir();
afterAll(() => tmp.remove());

const FIRST_SECRET = "whsec_c2VjcmV0LW9uZS1mb3ItdGhlLWFwaS1lbmRwb2ludA==";
const NEW_SECRET = "whsec_c2Vjb25kLXNlY3JldC1hZnRlci10aGUtcm90YXRpb24=";

async function admin(node: SpawnedRelay, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Waits until `node` shows the endpoint as `check` wants it; answers how long that took. */
async function seen(node: SpawnedRelay, id: string, check: (r: { status: number; json: Record<string, unknown> }) => boolean): Promise<number> {
  const from = performance.now();
  await waitFor(`node ${node.url} to see the change of ${id}`, async () => check(await admin(node, "GET", `/v1/endpoints/${id}`)), 10_000);
  return performance.now() - from;
}

/** Event ids of the requests at `receiver` whose signature `secret` verifies. */
function verifiedIds(requests: readonly Received[], secret: string): string[] {
  const wh = new Webhook(secret);
  return requests.flatMap((r) => {
    try {
      return [(wh.verify(r.body, r.headers) as { data: { id: string } }).data.id];
    } catch {
      return [];
    }
  });
}

/** The tables whose wake-up a create sends: without them, only the backstop tells the other nodes. */
const QUIET = ["api_endpoints", "endpoint_state"] as const;

const eventIdOf = (r: Received) => (JSON.parse(r.body) as { data: { id: string } }).data.id;

describePostgres("three nodes follow one endpoint registry", (db) => {
  it("obeys on every node a create, edit, rotation, delete, disable and enable made on one", async () => {
    const signed = signedReceiver();
    const first = startReceiver();
    const moved = startReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    const [a, b, c] = nodes as [SpawnedRelay, SpawnedRelay, SpawnedRelay];
    const sql = new SQL(db.url, { max: 1 });
    const lags: number[] = [];
    const deliveryStatus = async (eventId: string, endpointId: string) => {
      const rows: { status: string }[] = await sql`SELECT status FROM deliveries WHERE event_id = ${eventId} AND endpoint_id = ${endpointId}`;
      return rows.map((r) => r.status);
    };
    try {
      // Created on A: B and C deliver to it.
      const created = await admin(a, "POST", "/v1/endpoints", { id: "api-ep", url: first.url, events: ["order.created"], secret: FIRST_SECRET, retry: ["0s", "100ms"] });
      expect(created.status).toBe(201);
      for (const n of [b, c]) lags.push(await seen(n, "api-ep", (r) => r.status === 200));
      expect(await postRoundRobin([b, c], ["made-b", "made-c"])).toEqual(["made-b", "made-c"]);
      await first.waitForRequests(2, 20_000);
      expect(verifiedIds(first.requests, FIRST_SECRET).sort()).toEqual(["made-b", "made-c"]);

      // A new url, set on A: B sends there.
      const patched = await admin(a, "PATCH", "/v1/endpoints/api-ep", { url: moved.url });
      expect(patched.status).toBe(200);
      lags.push(await seen(b, "api-ep", (r) => r.json.url === moved.url));
      expect((await postEvent(b, "patched-b")).status).toBe(202);
      await moved.waitForRequests(1, 20_000);
      expect(verifiedIds(moved.requests, FIRST_SECRET)).toEqual(["patched-b"]);

      // A rotation on A with no grace: B signs with the new secret alone.
      const before = (await admin(a, "GET", "/v1/endpoints/api-ep")).json.updated_at;
      expect((await admin(a, "POST", "/v1/endpoints/api-ep/rotate-secret", { secret: NEW_SECRET, grace: "0s" })).status).toBe(200);
      const rotatedAt = (await admin(a, "GET", "/v1/endpoints/api-ep")).json.updated_at;
      expect(rotatedAt).not.toBe(before);
      lags.push(await seen(b, "api-ep", (r) => r.json.updated_at === rotatedAt));
      expect((await postEvent(b, "rotated-b")).status).toBe(202);
      await moved.waitForRequests(2, 20_000);
      const rotated = moved.requests.filter((r) => eventIdOf(r) === "rotated-b");
      expect(verifiedIds(rotated, NEW_SECRET)).toEqual(["rotated-b"]);
      expect(verifiedIds(rotated, FIRST_SECRET)).toEqual([]);

      // An operator's disable on A: B holds what is posted to it; A's enable lets it go.
      expect((await admin(a, "POST", "/v1/endpoints/api-ep/disable")).status).toBe(200);
      lags.push(await seen(b, "api-ep", (r) => r.json.state === "disabled"));
      expect((await postEvent(b, "held-b")).status).toBe(202);
      expect(await deliveryStatus("held-b", "api-ep")).toEqual(["held"]);
      expect((await admin(a, "POST", "/v1/endpoints/api-ep/enable")).status).toBe(200);
      lags.push(await seen(b, "api-ep", (r) => r.json.state === "active"));
      await waitFor("the held event delivered", () => moved.requests.some((r) => eventIdOf(r) === "held-b"), 20_000);
      expect(verifiedIds(moved.requests, NEW_SECRET)).toContain("held-b");

      // Deleted on A: B fans out to it no more.
      expect((await admin(a, "DELETE", "/v1/endpoints/api-ep")).status).toBe(204);
      for (const n of [b, c]) lags.push(await seen(n, "api-ep", (r) => r.status === 404));
      expect((await postEvent(b, "deleted-b")).status).toBe(202);
      await signed.waitForAll(["deleted-b"], 20_000);
      expect(await deliveryStatus("deleted-b", "api-ep")).toEqual([]);

      expect([signed.refused(), first.requests.length, moved.requests.length]).toEqual([0, 2, 3]);
      console.log(`registry changes seen by the other nodes after ${lags.map((l) => l.toFixed(0)).join(", ")} ms`);
    } finally {
      await sql.close();
      first.close();
      moved.close();
      await stopAll(nodes, signed);
    }
  }, 120_000);

  it("auto-disables once, counting failures over all three nodes, and every node holds after it", async () => {
    const signed = signedReceiver();
    const ops = startReceiver();
    const broken = startReceiver(() => new Response("down", { status: 500 }));
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    const [a, b, c] = nodes as [SpawnedRelay, SpawnedRelay, SpawnedRelay];
    const sql = new SQL(db.url, { max: 1 });
    const opsOf = (type: string) => ops.requests.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === type);
    try {
      const subscribe = await admin(a, "POST", "/v1/endpoints", { id: "ops", url: ops.url, events: ["hookrelay.endpoint.*"], secret: FIRST_SECRET });
      // One attempt per event, so each failure is one event's.
      const failing = await admin(a, "POST", "/v1/endpoints", { id: "broken", url: broken.url, events: ["order.created"], secret: FIRST_SECRET, retry: ["0s"], disable_after: 5 });
      expect([subscribe.status, failing.status]).toEqual([201, 201]);
      for (const n of [b, c]) for (const id of ["ops", "broken"]) await seen(n, id, (r) => r.status === 200);

      // Two failures on A, two on B, one on C, each while the other two are paused (SIGSTOP), so
      // each node attempts what it is given: no node sees five failures of its own.
      // A node paused inside a transaction would keep its row locks: pause them between transactions.
      const quiet = () =>
        waitFor("no node inside a statement or transaction", async () => {
          const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')`;
          return row.n === 0;
        });
      let posted = 0;
      for (const [node, count] of [[a, 2], [b, 2], [c, 1]] as const) {
        // An edit on A, which has seen two of the four failures: the two B counted must stand,
        // and every node, C with no attempt of its own, shows the four once it has applied the edit.
        if (node === c) {
          // Every node shows the counters the database holds, C too, with no attempt of its own and no change applied.
          const shown = await Promise.all(nodes.map(async (n) => (await admin(n, "GET", "/v1/endpoints/broken")).json.consecutive_failures));
          expect(shown).toEqual([4, 4, 4]);
          expect((await admin(a, "PATCH", "/v1/endpoints/broken", { url: `${broken.url}/edited` })).status).toBe(200);
          for (const n of nodes) await seen(n, "broken", (r) => r.json.url === `${broken.url}/edited` && r.json.consecutive_failures === 4);
        }
        const others = nodes.filter((n) => n !== node);
        await quiet();
        for (const n of others) n.proc.kill("SIGSTOP");
        try {
          for (let i = 0; i < count; i++) {
            const id = `fail-${posted++}`;
            expect((await postEvent(node, id)).status).toBe(202);
            await waitFor(`${id} failed`, async () => {
              const [row] = await sql`SELECT status FROM deliveries WHERE event_id = ${id} AND endpoint_id = 'broken'`;
              return row?.status === "failed";
            }, 20_000);
          }
        } finally {
          for (const n of others) n.proc.kill("SIGCONT");
        }
      }
      // Disabled at the fifth failure, by C, which had seen one of its own, at the edited url.
      for (const n of nodes) await seen(n, "broken", (r) => r.json.state === "auto_disabled");
      expect(await Promise.all(nodes.map((n) => attemptsWith(n, 'result="http_error"')))).toEqual([2, 2, 1]);
      const [state] = await sql`SELECT state, consecutive_failures FROM endpoint_state WHERE endpoint_id = 'broken'`;
      expect([state.state, Number(state.consecutive_failures)]).toEqual(["auto_disabled", 5]);

      // Posted to each node after the disable: held on every one.
      const late = ["late-a", "late-b", "late-c"];
      expect(await postRoundRobin(nodes, late)).toEqual(late);
      const statuses: { status: string }[] = await sql`SELECT status FROM deliveries WHERE endpoint_id = 'broken' AND event_id LIKE 'late-%'`;
      expect(statuses.map((s) => s.status)).toEqual(["held", "held", "held"]);

      // The enable on C is announced after the disable: by the time it arrives, a second disable would have too.
      expect((await admin(c, "POST", "/v1/endpoints/broken/enable")).status).toBe(200);
      await waitFor("the enable announced", () => opsOf("hookrelay.endpoint.enabled").length === 1, 20_000);
      const disabled = opsOf("hookrelay.endpoint.disabled");
      expect(disabled.length).toBe(1);
      expect(disabled[0]!.data).toMatchObject({ endpoint_id: "broken", reason: "5 consecutive failed attempts", consecutive_failures: 5 });
      expect(verifiedIds(ops.requests, FIRST_SECRET).length).toBe(ops.requests.length);
    } finally {
      await sql.close();
      ops.close();
      broken.close();
      await stopAll(nodes, signed);
    }
  }, 120_000);

  it("catches up within the polling backstop when the wake-up is lost", async () => {
    const signed = signedReceiver();
    const target = startReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    const [a, b] = nodes as [SpawnedRelay, SpawnedRelay];
    const sql = new SQL(db.url, { max: 1 });
    try {
      for (const off of QUIET) await sql.unsafe(`ALTER TABLE ${off} DISABLE TRIGGER ${off}_notify${off === "endpoint_state" ? "_insert" : ""}`);
      expect((await admin(a, "POST", "/v1/endpoints", { id: "quiet", url: target.url, events: ["order.created"], secret: FIRST_SECRET })).status).toBe(201);
      const lag = await seen(b, "quiet", (r) => r.status === 200);
      console.log(`registry change without a wake-up seen after ${lag.toFixed(0)} ms`);
      expect(lag).toBeLessThan(7_000);
    } finally {
      for (const off of QUIET) await sql.unsafe(`ALTER TABLE ${off} ENABLE TRIGGER ${off}_notify${off === "endpoint_state" ? "_insert" : ""}`);
      await sql.close();
      target.close();
      await stopAll(nodes, signed);
    }
  }, 60_000);
});
