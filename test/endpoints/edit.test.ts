/** @module test/endpoints/edit — PATCH and DELETE on endpoints created over the API, and what the config's own answer instead. */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { type ApiRelay, startApiRelay } from "./support";

let api: ApiRelay | null = null;
// Cleared once closed: a test that starts no ApiRelay must not stop the last one again.
afterEach(async () => {
  await api?.close();
  api = null;
});

const YAML_ENDPOINT = "  - id: from-yaml\n    url: http://127.0.0.1:9/x\n    events: ['*']\n    secret: s3cret";

describe("editing an endpoint created over the API", () => {
  it("merges a patch: a key replaces, null restores the default, nested objects merge", async () => {
    api = await startApiRelay();
    const ep = await api.create({
      url: "http://127.0.0.1:9/a",
      events: ["a"],
      timeout: "5s",
      headers: { "X-One": "1", "X-Two": "2" },
      metadata: { plan: "pro", region: "eu" },
    });
    const patched = await api.json("PATCH", `/v1/endpoints/${ep.id}`, {
      url: "http://127.0.0.1:9/b",
      timeout: null,
      headers: { "X-Two": null, "X-Three": "3" },
      metadata: { region: "us" },
    });
    expect(patched).toMatchObject({ url: "http://127.0.0.1:9/b", events: ["a"], timeout_ms: 30_000, metadata: { plan: "pro", region: "us" } });
    expect(patched.updated_at >= ep.updated_at).toBe(true);
    expect(await api.json("GET", `/v1/endpoints/${ep.id}`)).toEqual(patched);
  });

  it("refuses to patch id, tenant or secret, and a patch that makes the endpoint invalid, changing nothing", async () => {
    api = await startApiRelay();
    const ep = await api.create({ url: "http://127.0.0.1:9/a", events: ["a"] });
    for (const key of ["id", "tenant", "secret", "secrets"]) {
      const res = await api.relay.admin("PATCH", `/v1/endpoints/${ep.id}`, { [key]: key === "secrets" ? ["x"] : "x" });
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
      expect(((await res.json()) as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe(`/${key}`);
    }
    const bad = await api.relay.admin("PATCH", `/v1/endpoints/${ep.id}`, { events: [], url: "http://127.0.0.1:9/changed" });
    expect(bad.status).toBe(400);
    const blocked = await api.relay.admin("PATCH", `/v1/endpoints/${ep.id}`, { url: "http://10.0.0.7/in" });
    expect(blocked.status).toBe(422);
    const { secret: _s, ...unchanged } = ep;
    expect(await api.json("GET", `/v1/endpoints/${ep.id}`)).toEqual(unchanged);
  });

  it("answers 409 managed_by_config for the config's endpoints, which still enable, disable and test", async () => {
    api = await startApiRelay(YAML_ENDPOINT);
    for (const [method, path, body] of [
      ["PATCH", "/v1/endpoints/from-yaml", { url: "http://127.0.0.1:9/y" }],
      ["DELETE", "/v1/endpoints/from-yaml", undefined],
      ["POST", "/v1/endpoints/from-yaml/rotate-secret", {}],
    ] as const) {
      const res = await api.relay.admin(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 409 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("managed_by_config");
    }
    expect((await api.json("POST", "/v1/endpoints/from-yaml/disable")).state).toBe("disabled");
    expect((await api.json("POST", "/v1/endpoints/from-yaml/enable")).state).toBe("active");
  });

  it("an edit re-enables an auto-disabled endpoint, like an edit of the config", async () => {
    const relay = await startApiRelay();
    api = relay;
    const failing = relay.receiver(() => new Response("gone", { status: 410 }));
    const ep = await relay.create({ url: failing.url, events: ["a"], retry: ["0s", "1h"] });
    await relay.ingest({ type: "a", data: {} });
    await waitFor("the 410 to disable it", async () => (await relay.json("GET", `/v1/endpoints/${ep.id}`)).state === "auto_disabled");
    const fixed = relay.receiver();
    expect((await relay.json("PATCH", `/v1/endpoints/${ep.id}`, { url: fixed.url })).state).toBe("active");
    // The held delivery goes out to the new URL.
    await fixed.waitForRequests(1);
  });
});

describe("deleting an endpoint created over the API", () => {
  it("answers 204, cancels its pending and held deliveries, keeps its history, and 404s afterwards", async () => {
    api = await startApiRelay();
    const ok = api.receiver();
    const ep = await api.create({ url: ok.url, events: ["a"] });
    const delivered = await api.ingest({ type: "a", data: { n: 1 } });
    await ok.waitForRequests(1);
    await api.json("POST", `/v1/endpoints/${ep.id}/disable`);
    await api.ingest({ type: "a", data: { n: 2 } });
    await api.ingest({ type: "a", data: { n: 3 } });
    expect((await api.json("GET", `/v1/endpoints/${ep.id}`)).backlog.held).toBe(2);

    await api.json("DELETE", `/v1/endpoints/${ep.id}`, undefined, 204);
    await api.json("GET", `/v1/endpoints/${ep.id}`, undefined, 404);
    await api.json("DELETE", `/v1/endpoints/${ep.id}`, undefined, 404);
    expect((await api.json("GET", "/v1/endpoints")).items).toEqual([]);
    const history = await api.json("GET", `/v1/deliveries?endpoint=${ep.id}`);
    expect(history.items.map((d: { status: string }) => d.status).sort()).toEqual(["cancelled", "cancelled", "delivered"]);
    const event = await api.json("GET", `/v1/events/${delivered.id}`);
    expect(event.deliveries[0].status).toBe("delivered");
    // New events no longer fan out to it.
    expect((await api.ingest({ type: "a", data: {} })).deliveries).toBe(0);
  });
});

describe("a patch's media type", () => {
  it("takes application/merge-patch+json as well as application/json", async () => {
    api = await startApiRelay();
    const ep = await api.create({ url: "http://127.0.0.1:9/a", events: ["a"] });
    const res = await fetch(`${api.relay.url}/v1/endpoints/${ep.id}`, {
      method: "PATCH",
      headers: { authorization: "Bearer test-admin-token", "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ events: ["b"] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { events: string[] }).events).toEqual(["b"]);
  });
});

describe("an endpoint deleted while an attempt to it runs", () => {
  it("has that delivery cancelled, not pending, when a drain cuts the attempt short", async () => {
    const tmp = tempDir();
    let answered!: () => void;
    const hanging = startReceiver(() => new Promise<Response>((resolve) => (answered = () => resolve(new Response("late")))));
    const yaml = configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []").replace("shutdown_grace: 5s", "shutdown_grace: 100ms");
    const relay = await startRelay(yaml, { dir: tmp.dir });
    try {
      const created = await relay.admin("POST", "/v1/endpoints", { url: hanging.url, events: ["a"] });
      const { id } = (await created.json()) as { id: string };
      await relay.post("/v1/events", { type: "a", data: {} });
      await hanging.waitForRequests(1);
      expect((await relay.admin("DELETE", `/v1/endpoints/${id}`)).status).toBe(204);
      await relay.stop();
      const db = new Database(join(tmp.dir, "hookrelay.db"), { readonly: true });
      const row = db.query("SELECT status, next_attempt_at FROM deliveries WHERE endpoint_id = ?").get(id);
      const attempt = db.query("SELECT error FROM attempts").get() as { error: string };
      db.close();
      expect(row).toEqual({ status: "cancelled", next_attempt_at: null });
      expect(attempt.error).toContain("its endpoint is gone");
    } finally {
      answered?.();
      hanging.close();
      tmp.remove();
    }
  });
});
