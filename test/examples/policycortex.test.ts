/**
 * @module test/examples/policycortex
 * examples/policycortex.yaml against a receiver written as PolicyCortex's doc
 * tells its customers: raw body, 'sha256=' + hex HMAC compared with
 * X-PolicyCortex-Signature by crypto.timingSafeEqual, 401 on mismatch.
 */
import { describe, expect, it } from "bun:test";
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { parseConfig } from "../../src/config/load";
import { ROOT } from "../helpers/relay";
import { checkExample, loadExample, startExample, startVendorReceiver, tamper, TOKENS } from "./support";
import { checkPassed } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";

const ENV = { POLICYCORTEX_ACME_SECRET: "pc_whsec_acme_91e2" };
const MIN = 60_000;

// The doc's verifyWebhookSignature, as published.
function verifyWebhookSignature(payload: Buffer, signature: string, secret: string): boolean {
  const expectedSignature = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  const computedSignature = `sha256=${expectedSignature}`;
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(computedSignature));
}

function docHandler(body: Buffer, headers: Headers): Response {
  const signature = headers.get("x-policycortex-signature") ?? "";
  if (!verifyWebhookSignature(body, signature, ENV.POLICYCORTEX_ACME_SECRET)) return new Response("Unauthorized", { status: 401 });
  JSON.parse(body.toString("utf8"));
  return new Response("OK", { status: 200 });
}

const violation = (n: number, severity: string, environment: string) => ({
  violation: {
    id: `viol_${n}`,
    policy_name: "require-s3-encryption",
    resource_id: "arn:aws:s3:::my-bucket",
    severity,
    status: "OPEN",
    tags: { environment, team: "platform" },
    compliance_frameworks: ["SOC2", "HIPAA"],
  },
});

const defer = deferCleanup();

describe("examples/policycortex.yaml", () => {
  it("passes hookrelay check", async () => {
    expect(await checkExample("policycortex", { ...ENV, ...TOKENS })).toEqual({ code: 0, stdout: checkPassed(2, "/var/lib/hookrelay/policycortex.db"), stderr: "" });
  });

  it("keeps the 24-hour window, the example's 3 attempts with multiplier 2, the 30s timeout and ordering", () => {
    const config = loadExample("policycortex", { ...ENV, ...TOKENS });
    for (const endpoint of config.endpoints) {
      expect(endpoint.retry).toEqual({ delaysMs: [0, MIN, 2 * MIN], maxAgeMs: 24 * 60 * MIN });
      expect(endpoint.timeoutMs).toBe(30_000);
      expect(endpoint.ordering).toBe("fifo");
      expect(endpoint.disableAfter).toEqual({ kind: "duration", ms: 5 * 24 * 60 * MIN });
      expect(endpoint.headers).toEqual({ "X-Custom-Header": "custom-value" });
    }
  });

  it("gives webhooks without their own retry_config an exponential timetable inside the 24-hour window", () => {
    const doc = parseDocument(readFileSync(join(ROOT, "examples", "policycortex.yaml"), "utf8"));
    doc.deleteIn(["endpoints", 0, "retry"]);
    const result = parseConfig(doc.toString(), "policycortex.yaml", { env: { ...ENV, ...TOKENS }, readFile: () => "" });
    if (!result.ok) throw new Error(result.errors.map(String).join("\n"));
    const { delaysMs, maxAgeMs } = result.config.endpoints[0]!.retry;
    expect(delaysMs).toEqual([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360].map((m) => m * MIN));
    expect(delaysMs.reduce((a, b) => a + b)).toBeLessThan(24 * 60 * MIN);
    expect(maxAgeMs).toBe(24 * 60 * MIN);
  });

  it("delivers filtered violations and compliance changes in order, accepted by the doc's receiver; a tampered body is refused", async () => {
    const receiver = startVendorReceiver(docHandler);
    const { relay, stop } = await startExample("policycortex", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    const sent: string[] = [];
    const deliveries: number[] = [];
    const events = [
      { type: "policy.violation.created", data: violation(1, "HIGH", "production") },
      { type: "policy.violation.created", data: violation(2, "LOW", "production") },
      { type: "policy.violation.created", data: violation(3, "CRITICAL", "staging") },
      { type: "policy.violation.created", data: violation(4, "CRITICAL", "production") },
      { type: "compliance.status.changed", data: { compliance: { framework: "SOC2", current_score: 92.3, status: "COMPLIANT" } } },
      { type: "policy.violation.created", data: violation(5, "HIGH", "production") },
    ];
    for (const event of events) {
      const answer = (await (await relay.post("/v1/events", event)).json()) as { id: string; deliveries: number };
      sent.push(answer.id);
      deliveries.push(answer.deliveries);
    }
    // Only HIGH or CRITICAL in production, plus the compliance change.
    expect(deliveries).toEqual([1, 0, 0, 1, 1, 1]);

    const received = await receiver.waitFor(4, 200);
    const bodies = received.map((r) => JSON.parse(r.body.toString("utf8")));
    const violations = bodies.filter((b) => b.type === "policy.violation.created").map((b) => b.id);
    expect(violations).toEqual([sent[0], sent[3], sent[5]]);
    expect(bodies.find((b) => b.type === "compliance.status.changed")).toEqual({
      id: sent[4],
      type: "compliance.status.changed",
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      data: events[4]!.data,
    });
    for (const r of received) {
      expect(r.path).toBe("/webhooks/policycortex");
      expect(r.headers.get("x-custom-header")).toBe("custom-value");
      expect(r.headers.get("x-policycortex-signature")).toMatch(/^sha256=[0-9a-f]{64}$/);
    }
    expect(await receiver.replay(received[0]!.path, received[0]!.headers, tamper(received[0]!.body))).toBe(401);
  });
});
