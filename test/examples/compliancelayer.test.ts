/**
 * @module test/examples/compliancelayer
 * examples/compliancelayer.yaml against a receiver written as ComplianceLayer's
 * doc tells its customers: raw body, hex HMAC-SHA256 in
 * X-ComplianceLayer-Signature, crypto.timingSafeEqual, 401 on mismatch.
 */
import { describe, expect, it } from "bun:test";
import crypto from "node:crypto";
import { checkExample, loadExample, startExample, startVendorReceiver, tamper, TOKENS } from "./support";
import { checkPassed } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";

const ENV = { COMPLIANCELAYER_ACME_SECRET: "cl_acme_4f9a1c2e7b", COMPLIANCELAYER_GLOBEX_SECRET: "cl_globex_0d3e8b" };

// The doc's verifyWebhook, as published.
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const computed = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(computed));
}

// The doc's Express handler: express.raw() body, the header, 401 on a bad signature.
function docHandler(secret: string) {
  return (body: Buffer, headers: Headers): Response => {
    const signature = headers.get("x-compliancelayer-signature") ?? "";
    const payload = body.toString("utf8");
    if (!verifyWebhook(payload, signature, secret)) return new Response("Invalid signature", { status: 401 });
    JSON.parse(payload);
    return new Response("OK", { status: 200 });
  };
}

const defer = deferCleanup();

describe("examples/compliancelayer.yaml", () => {
  it("passes hookrelay check with its variables set, and names each missing one otherwise", async () => {
    expect(await checkExample("compliancelayer", { ...ENV, ...TOKENS })).toEqual({ code: 0, stdout: checkPassed(2, "/var/lib/hookrelay/compliancelayer.db"), stderr: "" });
    const missing = await checkExample("compliancelayer", TOKENS);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("COMPLIANCELAYER_ACME_SECRET is not set");
  });

  it("keeps the documented timetable, timeout and disable threshold", () => {
    const [acme] = loadExample("compliancelayer", { ...ENV, ...TOKENS }).endpoints;
    expect(acme!.retry.delaysMs).toEqual([0, 60_000, 300_000, 900_000, 3_600_000, 7_200_000]);
    expect(acme!.jitter).toBe(0);
    expect(acme!.timeoutMs).toBe(30_000);
    expect(acme!.disableAfter).toEqual({ kind: "count", failures: 10 });
    expect(acme!.events).toEqual(["scan.completed", "alert.triggered"]);
  });

  it("delivers what the doc's receiver accepts, with the doc's headers and envelope; a tampered body is refused", async () => {
    const receiver = startVendorReceiver(docHandler(ENV.COMPLIANCELAYER_ACME_SECRET));
    const { relay, stop } = await startExample("compliancelayer", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    const data = { scan_id: 12345, domain: "example.com", score: 85, grade: "B", critical_issues: 0 };
    const res = await relay.post("/v1/events", { type: "scan.completed", data, occurred_at: "2026-03-08T12:34:56.789Z" });
    const { id } = (await res.json()) as { id: string };
    const [req] = await receiver.waitFor(1, 200);

    expect(req!.path).toBe("/webhooks/compliancelayer");
    expect(req!.headers.get("content-type")).toBe("application/json");
    expect(req!.headers.get("user-agent")).toBe("ComplianceLayer-Webhooks/1.0");
    expect(req!.headers.get("x-compliancelayer-event")).toBe("scan.completed");
    expect(req!.headers.get("x-compliancelayer-delivery")).toMatch(/^\d+$/);
    expect(req!.headers.get("x-compliancelayer-signature")).toMatch(/^[0-9a-f]{64}$/);
    const event = JSON.parse(req!.body.toString("utf8"));
    expect(Object.keys(event)).toEqual(["id", "type", "created_at", "data"]);
    expect(event).toEqual({ id, type: "scan.completed", created_at: "2026-03-08T12:34:56.789Z", data });

    expect(await receiver.replay(req!.path, req!.headers, tamper(req!.body))).toBe(401);
  });

  it("gives each subscriber its own events, signed with its own secret", async () => {
    const secrets: Record<string, string> = {
      "/webhooks/compliancelayer": ENV.COMPLIANCELAYER_ACME_SECRET,
      "/compliancelayer/alerts": ENV.COMPLIANCELAYER_GLOBEX_SECRET,
    };
    const receiver = startVendorReceiver((body, headers, path) => docHandler(secrets[path]!)(body, headers));
    const { relay, stop } = await startExample("compliancelayer", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    await relay.post("/v1/events", { type: "scan.completed", data: { scan_id: 1 } });
    await relay.post("/v1/events", { type: "alert.triggered", data: { alert_id: 456, severity: "high" } });
    const delivered = await receiver.waitFor(3, 200);
    expect(delivered.map((r) => `${r.path} ${r.headers.get("x-compliancelayer-event")}`).sort()).toEqual([
      "/compliancelayer/alerts alert.triggered",
      "/webhooks/compliancelayer alert.triggered",
      "/webhooks/compliancelayer scan.completed",
    ]);
    expect(receiver.requests.every((r) => r.status === 200)).toBe(true);
  });
});
