/**
 * @module test/signing/delivered-request
 * What a real receiver gets from a real daemon: header templates, static
 * headers and a User-Agent override as configured; envelopes with mapped key
 * names or `raw`; signatures over exactly the bytes sent; and a body that is
 * byte-identical on every attempt while only the signature headers change.
 */
import { describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { type Received, type Receiver, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "s3cr3t-ünïcode";
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const defer = deferCleanup();

/** A receiver that fails the first request on each path, then accepts. */
async function setup(endpoints: (url: (path: string) => string) => string): Promise<{ receiver: Receiver; relay: InProcessRelay }> {
  const seen = new Set<string>();
  const receiver = startReceiver((req) => {
    const first = !seen.has(req.path);
    seen.add(req.path);
    return new Response(first ? "try again" : "ok", { status: first ? 503 : 200 });
  });
  const tmp = tempDir();
  const url = (path: string) => receiver.url.replace(/\/hook$/, path);
  const relay = await startRelay(configYaml(tmp.dir, endpoints(url)), { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop(), () => receiver.close());
  return { receiver, relay };
}

async function post(relay: InProcessRelay, body: unknown): Promise<string> {
  const res = await relay.post("/v1/events", body);
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const onPath = (requests: Received[], path: string) => requests.filter((r) => r.path === path);

// The receiver decodes the body as UTF-8 text; any byte that was not valid
// UTF-8 would have been replaced, so re-encoding it gives back the exact bytes sent.
const hmacHex = (key: string, content: string) => createHmac("sha256", key).update(Buffer.from(content, "utf8")).digest("hex");

describe("headers a receiver gets", () => {
  it("fills every template variable per attempt, sends static headers, and lets User-Agent be overridden", async () => {
    const { receiver, relay } = await setup(
      (url) => `  - id: templated
    url: ${url("/templated")}
    events: ["*"]
    secret: ${SECRET}
    retry: [0s, 20ms]
    jitter: 0%
    headers:
      User-Agent: Acme-Webhooks/2.0
      X-Static: a fixed value
      X-Event-Id: "{event.id}"
      X-Event-Type: "{event.type}"
      X-Delivery-Id: "{delivery.id}"
      X-Delivery-Seq: "{delivery.seq}"
      X-Attempt: "{attempt}"
      X-Timestamp: "{timestamp}"
      X-Mixed: "{event.type}/{attempt} {not.a.variable}"
`,
    );
    const first = await post(relay, { type: "scan.completed", data: { n: 1 } });
    const [a1, a2] = await receiver.waitForRequests(2);
    for (const [req, attempt] of [[a1!, "1"], [a2!, "2"]] as const) {
      expect(req.headers["user-agent"]).toBe("Acme-Webhooks/2.0");
      expect(req.headers["x-static"]).toBe("a fixed value");
      expect(req.headers["x-event-id"]).toBe(first);
      expect(req.headers["x-event-type"]).toBe("scan.completed");
      expect(req.headers["x-attempt"]).toBe(attempt);
      expect(req.headers["x-timestamp"]).toBe(req.headers["webhook-timestamp"]!);
      expect(req.headers["x-mixed"]).toBe(`scan.completed/${attempt} {not.a.variable}`);
      expect(req.headers["content-type"]).toBe("application/json");
    }
    // One delivery: the same id and seq on every attempt.
    expect(a2!.headers["x-delivery-seq"]).toBe(a1!.headers["x-delivery-seq"]!);
    expect(a1!.headers["x-delivery-seq"]).toMatch(/^\d+$/);
    expect(a1!.headers["x-delivery-id"]).toBe(`dlv_${a1!.headers["x-delivery-seq"]}`);
    expect(a2!.headers["x-delivery-id"]).toBe(a1!.headers["x-delivery-id"]!);

    // A later delivery has a larger seq (accepted at once: the path has failed once already).
    await post(relay, { type: "scan.completed", data: { n: 2 } });
    const [, , b] = await receiver.waitForRequests(3);
    expect(Number(b!.headers["x-delivery-seq"])).toBeGreaterThan(Number(a1!.headers["x-delivery-seq"]));
    expect(b!.headers["x-attempt"]).toBe("1");
  });

  it("sends hookrelay/VERSION as User-Agent when none is configured", async () => {
    const { receiver, relay } = await setup((url) => `  - id: plain\n    url: ${url("/plain")}\n    events: ["*"]\n    signature: { scheme: none }\n`);
    await post(relay, { type: "a.b", data: {} });
    const [req] = await receiver.waitForRequests(1);
    expect(req!.headers["user-agent"]).toMatch(/^hookrelay\/\d/);
    expect(Object.keys(req!.headers).filter((h) => /signature|^webhook-/.test(h))).toEqual([]);
  });
});

describe("envelopes a receiver gets", () => {
  const endpoints = (url: (path: string) => string) => `  - id: mapped
    url: ${url("/mapped")}
    events: ["*"]
    secret: ${SECRET}
    signature: { scheme: hmac-sha256-prefixed, header: X-Mapped-Signature }
    envelope: { id: event_id, type: event, timestamp: occurred, data: payload }
    retry: [0s, 20ms]
    jitter: 0%
  - id: raw
    url: ${url("/raw")}
    events: ["*"]
    secret: ${SECRET}
    signature: { scheme: timestamped, header: X-Raw-Signature }
    envelope: raw
    retry: [0s, 20ms]
    jitter: 0%
  - id: hex
    url: ${url("/hex")}
    events: ["*"]
    secret: ${SECRET}
    signature: { scheme: hmac-sha256-hex }
    retry: [0s, 20ms]
    jitter: 0%
`;
  const data = { domain: "café.example", grade: "B✓", emoji: "🔒", nested: { list: [1, 2.5, null, true] }, quote: 'say "hi"\n' };

  it("maps key names, keeps occurred_at as an ISO time with milliseconds, and sends raw data unwrapped", async () => {
    const { receiver, relay } = await setup(endpoints);
    const id = await post(relay, { type: "scan.completed", data, occurred_at: "2026-03-08T13:34:56.7+01:00" });
    const requests = await receiver.waitForRequests(6);

    const mapped = onPath(requests, "/mapped")[0]!;
    expect(Object.keys(JSON.parse(mapped.body))).toEqual(["event_id", "event", "occurred", "payload"]);
    expect(JSON.parse(mapped.body)).toEqual({ event_id: id, event: "scan.completed", occurred: "2026-03-08T12:34:56.700Z", payload: data });

    const raw = onPath(requests, "/raw")[0]!;
    expect(raw.body).toBe(JSON.stringify(data));

    const hex = onPath(requests, "/hex")[0]!;
    expect(Object.keys(JSON.parse(hex.body))).toEqual(["id", "type", "timestamp", "data"]);
  });

  it("stamps the ingest time when occurred_at is absent", async () => {
    const { receiver, relay } = await setup(endpoints);
    const before = Date.now();
    await post(relay, { type: "scan.completed", data });
    const after = Date.now();
    const requests = await receiver.waitForRequests(6);
    const occurred = JSON.parse(onPath(requests, "/mapped")[0]!.body).occurred as string;
    expect(occurred).toMatch(ISO_MS);
    expect(Date.parse(occurred)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(occurred)).toBeLessThanOrEqual(after);
  });

  it("signs exactly the bytes sent, and sends the same bytes on the retry", async () => {
    const { receiver, relay } = await setup(endpoints);
    await post(relay, { type: "scan.completed", data });
    const requests = await receiver.waitForRequests(6);
    for (const path of ["/mapped", "/raw", "/hex"]) {
      const [failed, retried] = onPath(requests, path);
      expect(retried!.body).toBe(failed!.body);
      for (const req of [failed!, retried!]) {
        if (path === "/mapped") expect(req.headers["x-mapped-signature"]).toBe(`sha256=${hmacHex(SECRET, req.body)}`);
        if (path === "/hex") expect(req.headers["x-signature"]).toBe(hmacHex(SECRET, req.body));
        if (path === "/raw") {
          const t = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(req.headers["x-raw-signature"]!)!;
          expect(t[2]).toBe(hmacHex(SECRET, `${t[1]}.${req.body}`));
        }
      }
    }
  });
});
