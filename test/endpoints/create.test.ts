/** @module test/endpoints/create — POST /v1/endpoints: what it stores, what it answers, and what it refuses without storing anything. */
import { afterEach, describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import { type ApiRelay, startApiRelay } from "./support";

let api: ApiRelay;
afterEach(() => api.close());

const count = async () => (await api.json("GET", "/v1/endpoints?source=api")).items.length;

describe("creating an endpoint over the API", () => {
  it("answers 201 with the Endpoint and its generated secret, and delivers events signed with that secret", async () => {
    api = await startApiRelay();
    const receiver = api.receiver();
    const created = await api.create({ url: receiver.url, events: ["order.*"], description: "Acme orders", metadata: { plan: "pro" } });
    // A copy: this Bun's toMatchObject writes its matchers into the object it checks.
    expect(structuredClone(created)).toMatchObject({
      id: expect.stringMatching(/^ep_[a-z0-9]{24}$/),
      source: "api",
      tenant: null,
      description: "Acme orders",
      metadata: { plan: "pro" },
      url: receiver.url,
      events: ["order.*"],
      state: "active",
      signature: { scheme: "standard-webhooks", header: null },
      timeout_ms: 30_000,
      created_at: expect.stringMatching(/Z$/),
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.secret.slice(6), "base64").length).toBe(24);

    // Read back, the secret is gone: only the create answer shows it.
    const read = await api.json("GET", `/v1/endpoints/${created.id}`);
    expect(JSON.stringify(read)).not.toContain(created.secret);
    expect(read).not.toHaveProperty("secret");
    const { secret: _secret, ...withoutSecret } = created;
    expect(read).toEqual(withoutSecret);

    await api.ingest({ type: "order.created", data: { n: 1 } });
    const [req] = await receiver.waitForRequests(1);
    const verified = new Webhook(created.secret).verify(req!.body, req!.headers) as { data: { n: number } };
    expect(verified.data).toEqual({ n: 1 });
  });

  it("takes the config's key names, units and defaults, and its own id and secret", async () => {
    api = await startApiRelay("  []", "defaults:\n  timeout: 7s\n  max_in_flight: 3");
    const created = await api.create({
      id: "acme-hooks",
      url: "https://hooks.acme.example/in",
      events: ["scan.completed", "alert.*"],
      secret: "topsecret-hex-key",
      signature: { scheme: "hmac-sha256-hex", header: "X-Acme-Signature" },
      headers: { "X-Acme-Event": "{event.type}" },
      retry: { attempts: 3, initial: "3m", multiplier: 2 },
      filter: { "data.severity": ["HIGH", "CRITICAL"] },
      rate_limit: "50/s",
      ordering: "fifo",
    });
    expect(created).toMatchObject({
      id: "acme-hooks",
      timeout_ms: 7_000,
      signature: { scheme: "hmac-sha256-hex", header: "X-Acme-Signature" },
      retry: { delays_ms: [0, 180_000, 360_000], max_age_ms: null },
      ordering: "fifo",
      secret: "topsecret-hex-key",
    });
  });

  it("names every bad field in one 400 and stores nothing", async () => {
    api = await startApiRelay();
    const res = await api.relay.admin("POST", "/v1/endpoints", {
      url: "ftp://example.com/x",
      events: [],
      timeout: "soon",
      secret_file: "/etc/hostname",
      colour: "blue",
      headers: { "X-Token": "${TOKEN}" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { field: string; message: string }[] } };
    expect(body.error.code).toBe("invalid_body");
    const fields = body.error.details.map((d) => d.field).sort();
    expect(fields).toEqual(["/colour", "/events", "/headers/X-Token", "/secret_file", "/timeout", "/url"]);
    expect(body.error.details.find((d) => d.field === "/timeout")!.message).toBe("expected a duration like 30s or 5m");
    expect(await count()).toBe(0);

    for (const bad of [[], "text", null, 7]) {
      const r = await api.relay.admin("POST", "/v1/endpoints", bad);
      expect(r.status).toBe(400);
    }
    expect(await count()).toBe(0);
  });

  it("refuses with 422 a literal address the address policy blocks, and http: under endpoint_api.require_https", async () => {
    api = await startApiRelay();
    const refused = [
      "http://10.1.2.3/hook",
      "http://192.168.0.10/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[fe80::1]/hook",
      "http://[::1]:8080/hook", // loopback outside network.allow (which opens 127.0.0.0/8 only)
    ];
    for (const url of refused) {
      const res = await api.relay.admin("POST", "/v1/endpoints", { url, events: ["*"] });
      expect({ url, status: res.status }).toEqual({ url, status: 422 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("address_not_allowed");
    }
    // A host name is checked where it resolves, at every attempt (§6), not at create.
    await api.create({ url: "http://hooks.example.test/x", events: ["*"] });
    expect(await count()).toBe(1);
    await api.close();

    api = await startApiRelay("  []", "endpoint_api:\n  require_https: true");
    const res = await api.relay.admin("POST", "/v1/endpoints", { url: "http://hooks.example.com/x", events: ["*"] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("https_required");
    await api.create({ url: "https://hooks.example.com/x", events: ["*"] });
    expect(await count()).toBe(1);
  });

  it("answers 409 for an id in use by the config or the API, and never hands out a deleted endpoint's id again", async () => {
    api = await startApiRelay("  - id: from-yaml\n    url: http://127.0.0.1:9/x\n    events: ['*']\n    secret: s3cret");
    const taken = async (id: string) => {
      const res = await api.relay.admin("POST", "/v1/endpoints", { id, url: "http://127.0.0.1:9/y", events: ["*"] });
      expect({ id, status: res.status }).toEqual({ id, status: 409 });
    };
    await taken("from-yaml");
    await api.create({ id: "mine", url: "http://127.0.0.1:9/y", events: ["*"] });
    await taken("mine");
    await api.json("DELETE", "/v1/endpoints/mine", undefined, 204);
    await api.json("GET", "/v1/endpoints/mine", undefined, 404);
    await taken("mine");
  });

  it("keeps each tenant within endpoint_api.max_per_tenant", async () => {
    api = await startApiRelay("  []", "endpoint_api:\n  max_per_tenant: 2");
    for (let i = 0; i < 2; i++) await api.create({ tenant: "acme", url: `http://127.0.0.1:9/${i}`, events: ["*"] });
    const res = await api.relay.admin("POST", "/v1/endpoints", { tenant: "acme", url: "http://127.0.0.1:9/3", events: ["*"] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("limit_reached");
    // Another tenant has its own allowance; a deleted endpoint frees its place.
    await api.create({ tenant: "globex", url: "http://127.0.0.1:9/4", events: ["*"] });
    const first = (await api.json("GET", "/v1/endpoints?tenant=acme")).items[0];
    await api.json("DELETE", `/v1/endpoints/${first.id}`, undefined, 204);
    await api.create({ tenant: "acme", url: "http://127.0.0.1:9/5", events: ["*"] });
  });

  it("answers a repeated Idempotency-Key with the first answer, secret included, and 409 for another body", async () => {
    api = await startApiRelay();
    const post = (body: unknown) =>
      fetch(`${api.relay.url}/v1/endpoints`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json", "idempotency-key": "create-1" },
        body: JSON.stringify(body),
      });
    const body = { url: "http://127.0.0.1:9/x", events: ["a", "b"] };
    const first = await post(body);
    expect(first.status).toBe(201);
    const created = await first.json();
    const again = await post({ events: ["a", "b"], url: "http://127.0.0.1:9/x" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(created);
    expect(await count()).toBe(1);
    const other = await post({ ...body, events: ["c"] });
    expect(other.status).toBe(409);
    expect(await count()).toBe(1);
  });
});
