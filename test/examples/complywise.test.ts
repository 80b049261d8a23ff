/**
 * @module test/examples/complywise
 * examples/complywise.yaml against a receiver written as ComplyWise's doc
 * tells its customers (HMAC of the raw body, compared in constant time with
 * X-ComplyWise-Signature: sha256=…), and against @octokit/webhooks-methods,
 * an independent verifier of GitHub-style sha256= signatures.
 */
import { describe, expect, it } from "bun:test";
import { verify } from "@octokit/webhooks-methods";
import crypto from "node:crypto";
import { checkExample, loadExample, startExample, startVendorReceiver, tamper, TOKENS } from "./support";
import { checkPassed } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";

const ENV = { COMPLYWISE_ACME_SECRET: "cw-acme-7d1f0c9e", COMPLYWISE_ACME_FINDINGS_SECRET: "cw-findings-3b8a" };
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

// The doc's four steps: HMAC of the raw body, compare with the header in constant time, reject on mismatch.
function docHandler(secret: string) {
  return (body: Buffer, headers: Headers): Response => {
    const header = Buffer.from(headers.get("x-complywise-signature") ?? "");
    const expected = Buffer.from(`sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`);
    if (header.length !== expected.length || !crypto.timingSafeEqual(header, expected)) return new Response("bad signature", { status: 401 });
    return new Response(null, { status: 204 });
  };
}

const defer = deferCleanup();

describe("examples/complywise.yaml", () => {
  it("passes hookrelay check", async () => {
    expect(await checkExample("complywise", { ...ENV, ...TOKENS })).toEqual({ code: 0, stdout: checkPassed(2, "/var/lib/hookrelay/complywise.db"), stderr: "" });
  });

  it("keeps the chosen exponential timetable, per-endpoint timeout and disable threshold", () => {
    const [all, findings] = loadExample("complywise", { ...ENV, ...TOKENS }).endpoints;
    const min = 60_000;
    expect(all!.retry.delaysMs).toEqual([0, 1 * min, 3 * min, 9 * min, 27 * min, 81 * min, 243 * min, 360 * min]);
    expect(all!.timeoutMs).toBe(30_000);
    expect(findings!.timeoutMs).toBe(10_000);
    expect(all!.disableAfter).toEqual({ kind: "count", failures: 24 });
  });

  it("delivers the doc's envelope, accepted by the doc's check and by @octokit/webhooks-methods; a tampered body is refused", async () => {
    const receiver = startVendorReceiver(docHandler(ENV.COMPLYWISE_ACME_SECRET));
    const { relay, stop } = await startExample("complywise", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    const data = { scan_job_id: "0b5c2f8e-6a3d-4e7f-9c1a-2d4b6e8f0a1c", total_controls: 49, passed: 38, failed: 11, score: 77.6 };
    const res = await relay.post("/v1/events", { type: "scan.completed", data });
    const { id } = (await res.json()) as { id: string };
    const [req] = await receiver.waitFor(1, 204);

    const signature = req!.headers.get("x-complywise-signature")!;
    expect(signature).toMatch(SIGNATURE);
    expect(await verify(ENV.COMPLYWISE_ACME_SECRET, req!.body.toString("utf8"), signature)).toBe(true);
    expect(await verify(ENV.COMPLYWISE_ACME_FINDINGS_SECRET, req!.body.toString("utf8"), signature)).toBe(false);

    const event = JSON.parse(req!.body.toString("utf8"));
    expect(event).toEqual({ event: "scan.completed", event_id: id, timestamp: expect.stringMatching(/Z$/), data });
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);

    expect(await receiver.replay(req!.path, req!.headers, tamper(req!.body))).toBe(401);
    expect(await verify(ENV.COMPLYWISE_ACME_SECRET, tamper(req!.body).toString("utf8"), signature)).toBe(false);
  });

  it("sends each subscription only its event types, signed with its own secret", async () => {
    const secrets: Record<string, string> = { "/hook": ENV.COMPLYWISE_ACME_SECRET, "/complywise": ENV.COMPLYWISE_ACME_FINDINGS_SECRET };
    const receiver = startVendorReceiver((body, headers, path) => docHandler(secrets[path]!)(body, headers));
    const { relay, stop } = await startExample("complywise", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    await relay.post("/v1/events", { type: "evidence.uploaded", data: { file: "soc2.pdf" } });
    await relay.post("/v1/events", { type: "compliance.control_failed", data: { control_id: "CC6.1", framework: "SOC 2" } });
    const delivered = await receiver.waitFor(3, 204);
    expect(delivered.map((r) => `${r.path} ${JSON.parse(r.body.toString("utf8")).event}`).sort()).toEqual([
      "/complywise compliance.control_failed",
      "/hook compliance.control_failed",
      "/hook evidence.uploaded",
    ]);
    expect(receiver.requests.every((r) => r.status === 204)).toBe(true);
  });
});
