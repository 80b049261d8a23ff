/**
 * @module test/admin/nodes — `GET /v1/nodes` and the node's metrics on a real daemon process on SQLite: the one
 * node listed with its fields and its attempts in flight, admin only, in the OpenAPI document.
 */
import { describe, expect, it } from "bun:test";
import { hostname } from "node:os";
import pkg from "../../package.json" with { type: "json" };
import { deferCleanup } from "../helpers/cleanup";
import { configYaml, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, expectJson, INGEST_TOKEN, openSession, receiver, statusOf } from "../tenants/fixture";

const defer = deferCleanup();

async function daemon(endpointsYaml: string) {
  const tmp = tempDir();
  defer(() => tmp.remove());
  const relay = await spawnRelay(writeConfig(tmp.dir, configYaml(tmp.dir, endpointsYaml)));
  defer(async () => {
    relay.proc.kill("SIGTERM");
    await relay.exited;
  });
  return relay;
}

describe("GET /v1/nodes", () => {
  it("lists the one node of a SQLite database with its fields, and its attempts in flight at the next heartbeat", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = receiver(defer, async () => (await held, new Response("ok")));
    const relay = await daemon(configEndpoint("slow", slow.url));
    // Registered after the daemon, so it runs first: the drain then need not wait out its grace.
    defer(() => release());
    const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/nodes"), 200);
    expect(page.next_cursor).toBeNull();
    expect(page.items).toHaveLength(1);
    const [node] = page.items;
    expect(Object.keys(node).sort()).toEqual(["hostname", "id", "in_flight", "last_seen_at", "started_at", "version"]);
    expect(node).toMatchObject({ hostname: hostname(), version: pkg.version, in_flight: 0 });
    expect(node.id).toMatch(/^node_[0-9a-z]{16}$/);
    expect(Date.parse(node.started_at)).toBeLessThanOrEqual(Date.parse(node.last_seen_at));
    expect(Date.parse(node.last_seen_at)).toBeGreaterThan(Date.now() - 60_000);
    const one = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/nodes?limit=1"), 200);
    expect(one).toEqual({ items: [node], next_cursor: null });
    expect(await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/nodes?cursor=${node.id}`), 200)).toEqual({ items: [], next_cursor: null });

    await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", { type: "order.created", data: {} }), 202);
    await slow.waitForRequests(1);
    const busy = await waitFor(
      "a heartbeat reporting the attempt in flight",
      async () => (await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/nodes"), 200)).items.find((n: { in_flight: number }) => n.in_flight === 1),
      15_000,
    );
    expect(busy.id).toBe(node.id);
    expect(Date.parse(busy.last_seen_at)).toBeGreaterThan(Date.parse(node.last_seen_at));

    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain(`hookrelay_node_info{node="${node.id}",hostname="${hostname()}"} 1\n`);
    expect(metrics).toContain("hookrelay_node_housekeeper 1\n");
  });

  it("is admin only: a portal session's token is refused with 403, an ingest token with 401, a bad limit with 400", async () => {
    const relay = await daemon("  []");
    const session = await openSession(relay, "acme");
    const tenant = await statusOf(call(relay, session.token, "GET", "/v1/nodes"));
    expect(tenant.status).toBe(403);
    expect(JSON.parse(tenant.body).error.message).toBe("this route needs an admin token");
    expect((await statusOf(call(relay, INGEST_TOKEN, "GET", "/v1/nodes"))).status).toBe(401);
    expect((await statusOf(call(relay, ADMIN_TOKEN, "GET", "/v1/nodes?limit=0"))).status).toBe(400);
  });

  it("is in the OpenAPI document as listNodes, for the admin token only", async () => {
    const relay = await daemon("  []");
    const doc = await expectJson(call(relay, null, "GET", "/openapi.json"), 200);
    const op = doc.paths["/v1/nodes"].get;
    expect(op.operationId).toBe("listNodes");
    expect(op.security).toEqual([{ adminToken: [] }]);
    expect(Object.keys(op.responses["200"].content["application/json"].schema.properties).sort()).toEqual(["items", "next_cursor"]);
  });
});
