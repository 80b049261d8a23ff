import { describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import { standardWebhooks } from "../../src/signing/standard-webhooks";
import { Secret } from "../../src/signing/secret";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

async function setup(endpoints: (receiver: Receiver) => string, extra = "") {
  const receiver = startReceiver();
  const tmp = tempDir();
  const relay = await startRelay(configYaml(tmp.dir, endpoints(receiver), extra), { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop(), () => receiver.close());
  return { receiver, relay };
}

const basic = (r: Receiver, more = "") => `  - id: main
    url: ${r.url}
    events: ["*"]
    secret: ${SECRET}
    retry: [0s, 100ms, 200ms]
${more}`;

async function deliveryRows(relay: InProcessRelay) {
  return relay.db.query("SELECT * FROM deliveries ORDER BY seq").all() as Record<string, unknown>[];
}

describe("delivery", () => {
  it("delivers a posted event signed per Standard Webhooks, verified by the standardwebhooks library", async () => {
    const { receiver, relay } = await setup((r) => basic(r));
    const res = await relay.post("/v1/events", { type: "scan.completed", data: { score: 85 } });
    expect(res.status).toBe(202);
    const { id, deliveries } = (await res.json()) as { id: string; deliveries: number };
    expect(deliveries).toBe(1);
    const [req] = await receiver.waitForRequests(1);
    expect(req!.headers["webhook-id"]).toBe(id);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.headers["user-agent"]).toMatch(/^hookrelay\//);
    const verified = new Webhook(SECRET).verify(req!.body, req!.headers) as Record<string, unknown>;
    expect(verified).toEqual({ id, type: "scan.completed", timestamp: expect.any(String), data: { score: 85 } });
    expect(verified.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Our own signer agrees with the independent library.
    const ours = standardWebhooks.createSigner([new Secret(SECRET)], null)({
      id,
      timestampSec: Number(req!.headers["webhook-timestamp"]),
      body: req!.body,
    });
    expect(ours["webhook-signature"]).toBe(req!.headers["webhook-signature"]);
    await waitFor("delivered status", async () => (await deliveryRows(relay))[0]?.status === "delivered");
  });

  it("retries on the timetable while the receiver fails, then delivers with a byte-identical body", async () => {
    const { receiver, relay } = await setup((r) => basic(r));
    receiver.reply((_req, n) => new Response("nope", { status: n < 3 ? 500 : 200 }));
    await relay.post("/v1/events", { type: "a.b", data: { n: 1 } });
    const reqs = await receiver.waitForRequests(3);
    expect(new Set(reqs.map((r) => r.body)).size).toBe(1);
    expect(new Set(reqs.map((r) => r.headers["webhook-id"])).size).toBe(1);
    // Each retry waited at least its timetable delay (100 ms, then 200 ms).
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(95);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(195);
    const row = await waitFor("delivered", async () => (await deliveryRows(relay)).find((d) => d.status === "delivered"));
    expect(row.attempts).toBe(3);
    const attempts = relay.db.query("SELECT * FROM attempts ORDER BY n").all() as Record<string, unknown>[];
    expect(attempts.map((a) => a.status_code)).toEqual([500, 500, 200]);
    expect(attempts[0]!.error).toBe("the receiver answered 500 Internal Server Error");
    expect(attempts[0]!.response_excerpt).toBe("nope");
    const sent = JSON.parse(attempts[0]!.request_headers as string);
    expect(sent["webhook-signature"]).toMatch(/^v1,/);
    expect(JSON.stringify(attempts)).not.toContain(SECRET);
  });

  it("moves a delivery to failed when the timetable runs out", async () => {
    const { receiver, relay } = await setup((r) => basic(r));
    receiver.reply(() => new Response("down", { status: 503 }));
    await relay.post("/v1/events", { type: "a.b", data: {} });
    await receiver.waitForRequests(3);
    const row = await waitFor("failed", async () => (await deliveryRows(relay)).find((d) => d.status === "failed"));
    expect(row.attempts).toBe(3);
    expect(row.last_status_code).toBe(503);
    expect(row.next_attempt_at).toBeNull();
    expect(receiver.requests.length).toBe(3);
  });

  it("does not follow redirects and reports them as failed attempts", async () => {
    const { receiver, relay } = await setup((r) => basic(r));
    receiver.reply(() => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest" } }));
    await relay.post("/v1/events", { type: "a.b", data: {} });
    await waitFor("failed", async () => (await deliveryRows(relay)).find((d) => d.status === "failed"));
    const attempt = relay.db.query("SELECT error FROM attempts LIMIT 1").get() as { error: string };
    expect(attempt.error).toContain("redirect");
    expect(receiver.requests.every((r) => r.path === "/hook")).toBe(true);
  });

  it("honours Retry-After on 429 but never beyond the timetable's longest delay", async () => {
    const { receiver, relay } = await setup((r) => basic(r).replace("[0s, 100ms, 200ms]", "[0s, 100ms, 1s]"));
    receiver.reply((_r, n) =>
      n === 1 ? new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }) : new Response("ok"),
    );
    await relay.post("/v1/events", { type: "a.b", data: {} });
    const reqs = await receiver.waitForRequests(2, 5000);
    const gap = reqs[1]!.at - reqs[0]!.at;
    // Pushed past the 100 ms step to the cap (1 s), not to an hour.
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3000);
  });

  it("fans out to matching endpoints only, honouring patterns, filters and the endpoints list", async () => {
    const a = startReceiver();
    const b = startReceiver();
    const c = startReceiver();
    const tmp = tempDir();
    const yaml = configYaml(
      tmp.dir,
      `  - id: alerts
    url: ${a.url}
    events: ["alert.*"]
    secret: ${SECRET}
  - id: high-only
    url: ${b.url}
    events: ["*"]
    secret: ${SECRET}
    filter: { data.severity: [HIGH, CRITICAL] }
  - id: exact
    url: ${c.url}
    events: ["scan.completed"]
    secret: ${SECRET}`,
    );
    const relay = await startRelay(yaml, { dir: tmp.dir });
    defer(tmp.remove, () => relay.stop(), () => a.close(), () => b.close(), () => c.close());
    const post = async (body: unknown) => (await (await relay.post("/v1/events", body)).json()) as { deliveries: number };
    expect((await post({ type: "alert.triggered", data: { severity: "HIGH" } })).deliveries).toBe(2);
    expect((await post({ type: "alert.triggered", data: { severity: "LOW" } })).deliveries).toBe(1);
    expect((await post({ type: "scan.completed", data: {} })).deliveries).toBe(1);
    expect((await post({ type: "other", data: {} })).deliveries).toBe(0);
    expect((await post({ type: "alert.x", data: { severity: "CRITICAL" }, endpoints: ["high-only"] })).deliveries).toBe(1);
    await a.waitForRequests(2);
    await b.waitForRequests(2);
    await c.waitForRequests(1);
  });
});
