import { describe, expect, it } from "bun:test";
import { ADMIN_TOKEN, configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

// The receiver is never reached in these tests: they are about what ingest stores and answers.
const UNREACHABLE = "http://127.0.0.1:9/hook";

async function relayWith(
  endpoints = `  - id: main\n    url: ${UNREACHABLE}\n    events: ["*"]\n    secret: ${SECRET}\n    enabled: false`,
  maxBodyBytes = 1_048_576,
) {
  const tmp = tempDir();
  const yaml = configYaml(tmp.dir, endpoints).replace("  shutdown_grace: 5s", `  shutdown_grace: 5s\n  max_body_bytes: ${maxBodyBytes}`);
  const relay = await startRelay(yaml, { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop());
  return relay;
}

// hookrelay's own events (the endpoint below starts disabled, which is announced) are not what these tests count.
const count = (relay: InProcessRelay, table: "events" | "deliveries") =>
  (
    relay.db
      .query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${table === "events" ? "type" : "event_type"} NOT LIKE 'hookrelay.%'`)
      .get() as { n: number }
  ).n;

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: { field: string }[] } }).error;
}

describe("ingest", () => {
  it("stores the event and its deliveries before answering 202", async () => {
    const relay = await relayWith();
    const res = await relay.post("/v1/events", { type: "a.b", data: { x: 1 }, ordering_key: "k", occurred_at: "2026-03-08T14:34:56.789+02:00" });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; deliveries: number };
    expect(body.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    const event = relay.db.query("SELECT * FROM events WHERE id = ?").get(body.id) as Record<string, unknown>;
    expect(event).toMatchObject({ type: "a.b", data: '{"x":1}', ordering_key: "k", occurred_at: Date.parse("2026-03-08T12:34:56.789Z") });
    expect(count(relay, "deliveries")).toBe(1);
  });

  it("generates time-ordered ids", async () => {
    const relay = await relayWith();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(((await (await relay.post("/v1/events", { type: "a", data: {} })).json()) as { id: string }).id);
    expect([...ids].sort()).toEqual(ids);
  });

  it("answers a repeated id with the same body as a duplicate, and with a different body as 409, storing nothing", async () => {
    const relay = await relayWith();
    expect((await relay.post("/v1/events", { id: "order-1", type: "a", data: { x: 1, y: 2 } })).status).toBe(202);
    const again = await relay.post("/v1/events", { id: "order-1", type: "a", data: { y: 2, x: 1 } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: "order-1", duplicate: true });
    const viaHeader = await relay.post("/v1/events", { type: "a", data: { x: 1, y: 2 } }, { "idempotency-key": "order-1" });
    expect(viaHeader.status).toBe(200);
    const conflict = await relay.post("/v1/events", { id: "order-1", type: "a", data: { x: 2 } });
    expect(conflict.status).toBe(409);
    expect((await errorOf(conflict)).code).toBe("id_conflict");
    expect(count(relay, "events")).toBe(1);
    expect(count(relay, "deliveries")).toBe(1);
  });

  it("refuses an id that differs from the Idempotency-Key", async () => {
    const relay = await relayWith();
    const res = await relay.post("/v1/events", { id: "a1", type: "a", data: {} }, { "idempotency-key": "b2" });
    expect(res.status).toBe(400);
    expect(count(relay, "events")).toBe(0);
  });

  it("commits many concurrent requests, each answered 202 only once stored", async () => {
    const relay = await relayWith();
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => relay.post("/v1/events", { id: `e${i}`, type: "load", data: { i } })),
    );
    expect(answers.every((r) => r.status === 202)).toBe(true);
    expect(count(relay, "events")).toBe(300);
    expect(count(relay, "deliveries")).toBe(300);
  });

  it("isolates one request's id conflict from other requests committed in the same group", async () => {
    const relay = await relayWith();
    await relay.post("/v1/events", { id: "taken", type: "a", data: { v: 1 } });
    const [bad, good] = await Promise.all([
      relay.post("/v1/events/batch", { events: [{ id: "new-1", type: "a", data: {} }, { id: "taken", type: "a", data: { v: 2 } }] }),
      relay.post("/v1/events", { id: "new-2", type: "a", data: {} }),
    ]);
    expect(bad.status).toBe(409);
    expect(good.status).toBe(202);
    const ids = (relay.db.query("SELECT id FROM events WHERE type NOT LIKE 'hookrelay.%' ORDER BY id").all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(["new-2", "taken"]);
  });

  it("stores a batch all or nothing and reports duplicates", async () => {
    const relay = await relayWith();
    await relay.post("/v1/events", { id: "dup", type: "a", data: {} });
    const res = await relay.post("/v1/events/batch", {
      events: [{ type: "a", data: {} }, { id: "dup", type: "a", data: {} }, { id: "b3", type: "a", data: {} }],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { ids: string[]; deliveries: number; duplicates: string[] };
    expect(body.ids.length).toBe(3);
    expect(body.ids[1]).toBe("dup");
    expect(body.duplicates).toEqual(["dup"]);
    expect(body.deliveries).toBe(2);
    const onlyDuplicates = await relay.post("/v1/events/batch", { events: [{ id: "dup", type: "a", data: {} }] });
    expect(onlyDuplicates.status).toBe(200);
    const invalid = await relay.post("/v1/events/batch", { events: [{ type: "a", data: {} }, { type: "a" }] });
    expect(invalid.status).toBe(400);
    expect((await errorOf(invalid)).details?.map((d) => d.field)).toContain("/events/1/data");
    expect(count(relay, "events")).toBe(3);
  });

  it("answers an event that matches no endpoint with 202 and zero deliveries", async () => {
    const relay = await relayWith(`  - id: main\n    url: ${UNREACHABLE}\n    events: ["only.this"]\n    secret: ${SECRET}`);
    const res = await relay.post("/v1/events", { type: "something.else", data: {} });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { deliveries: number }).deliveries).toBe(0);
    expect(count(relay, "events")).toBe(1);
  });

  it("accepts admin tokens for ingest", async () => {
    const relay = await relayWith();
    const res = await fetch(`${relay.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "a", data: {} }),
    });
    expect(res.status).toBe(202);
  });

  it("refuses a body nested deeper than 128 levels with 400 too_deep on both routes, stores nothing and stays ready", async () => {
    const relay = await relayWith();
    const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    const tooDeep: [string, string][] = [
      ["/v1/events", `{"type":"a","data":{"x":${nested(300_000)}}}`],
      ["/v1/events", `{"type":"a","data":{"x":${nested(127)}}}`],
      ["/v1/events/batch", `{"events":[{"type":"a","data":{"x":${nested(125)}}}]}`],
      ["/v1/events/batch", `{"events":[{"type":"a","data":{}}],"x":${"{\"a\":".repeat(100_000)}1${"}".repeat(100_000)}}`],
    ];
    for (const [path, body] of tooDeep) {
      const res = await relay.post(path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const error = await errorOf(res);
      expect(error.code).toBe("too_deep");
      expect(error.message).toContain("128");
    }
    expect(count(relay, "events")).toBe(0);
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    expect((await relay.post("/v1/events", `{"type":"a","data":{"x":${nested(126)}}}`)).status).toBe(202);
    expect((await relay.post("/v1/events/batch", `{"events":[{"type":"a","data":{"x":${nested(124)}}}]}`)).status).toBe(202);
    expect(count(relay, "events")).toBe(2);
  });

  const oversized = "x".repeat(2048);
  const cases: [string, () => RequestInit & { headers: Record<string, string> }, number, string][] = [
    ["no token", () => ({ headers: { "content-type": "application/json" }, body: "{}" }), 401, "unauthorized"],
    ["a wrong token", () => ({ headers: { authorization: "Bearer nope", "content-type": "application/json" }, body: "{}" }), 401, "unauthorized"],
    ["no content type", () => ({ headers: { authorization: "Bearer test-ingest-token" }, body: '{"type":"a","data":{}}' }), 415, "unsupported_media_type"],
    ["text/plain", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "text/plain" }, body: "{}" }), 415, "unsupported_media_type"],
    ["invalid JSON", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: "{" }), 400, "invalid_json"],
    ["invalid UTF-8", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: new Uint8Array([123, 34, 0xff, 34, 125]) }), 400, "invalid_body"],
    ["data not an object", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: '{"type":"a","data":[1]}' }), 400, "invalid_body"],
    ["a bad id", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: '{"type":"a","data":{},"id":"no spaces"}' }), 400, "invalid_body"],
    ["a bad Idempotency-Key", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json", "idempotency-key": "a/b" }, body: '{"type":"a","data":{}}' }), 400, "invalid_idempotency_key"],
    ["occurred_at without a zone", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: '{"type":"a","data":{},"occurred_at":"2026-01-01T00:00:00"}' }), 400, "invalid_body"],
    ["an unknown endpoint", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: '{"type":"a","data":{},"endpoints":["nope"]}' }), 422, "unknown_endpoint"],
    ["a reserved type", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: '{"type":"hookrelay.endpoint.disabled","data":{}}' }), 422, "reserved_type"],
    ["a body over max_body_bytes", () => ({ headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" }, body: `{"type":"a","data":{"x":"${oversized}"}}` }), 413, "body_too_large"],
    [
      "a chunked body over max_body_bytes",
      () => ({
        headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(`{"type":"a","data":{"x":"${oversized}`));
            c.enqueue(new TextEncoder().encode(`${oversized}"}}`));
            c.close();
          },
        }),
      }),
      413,
      "body_too_large",
    ],
    [
      "a batch of 1001",
      () => ({
        headers: { authorization: "Bearer test-ingest-token", "content-type": "application/json" },
        body: JSON.stringify({ events: Array.from({ length: 1001 }, () => ({ type: "a", data: {} })) }),
      }),
      400,
      "invalid_body",
    ],
  ];
  for (const [name, init, status, code] of cases) {
    it(`refuses ${name} with ${status} ${code} and stores nothing`, async () => {
      const batch = name.startsWith("a batch");
      const relay = await relayWith(undefined, batch ? 1_048_576 : 1024);
      const path = batch ? "/v1/events/batch" : "/v1/events";
      const res = await fetch(`${relay.url}${path}`, { method: "POST", ...init() });
      expect(res.status).toBe(status);
      const error = await errorOf(res);
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(10);
      expect(count(relay, "events")).toBe(0);
    });
  }
});
