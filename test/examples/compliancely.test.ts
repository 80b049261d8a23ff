/**
 * @module test/examples/compliancely
 * examples/compliancely.yaml against a receiver written as Compliancely's doc
 * tells its customers: take Compliancely-Signature, compute HMAC-SHA256 of the
 * body with the secret, compare. Signing is optional there, so an unsigned
 * endpoint is checked too.
 */
import { describe, expect, it } from "bun:test";
import crypto from "node:crypto";
import { checkExample, loadExample, startExample, startVendorReceiver, tamper, TOKENS } from "./support";
import { checkPassed } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";

const ENV = { COMPLIANCELY_ACME_SECRET: "cly-acme-5e0b7d" };
const MIN = 60_000;

// Step 1: the header. Step 2: HMAC-SHA256, secret as key, body as message. Step 3: compare.
function docHandler(body: Buffer, headers: Headers): Response {
  const received = Buffer.from(headers.get("compliancely-signature") ?? "");
  const expected = Buffer.from(crypto.createHmac("sha256", ENV.COMPLIANCELY_ACME_SECRET).update(body).digest("hex"));
  const ok = received.length === expected.length && crypto.timingSafeEqual(received, expected);
  return new Response(ok ? "ok" : "invalid signature", { status: ok ? 200 : 401 });
}

const defer = deferCleanup();

describe("examples/compliancely.yaml", () => {
  it("passes hookrelay check", async () => {
    expect(await checkExample("compliancely", { ...ENV, ...TOKENS })).toEqual({ code: 0, stdout: checkPassed(2, "/var/lib/hookrelay/compliancely.db"), stderr: "" });
  });

  it("retries for another 2 attempts, at 3 and 6 minutes", () => {
    for (const endpoint of loadExample("compliancely", { ...ENV, ...TOKENS }).endpoints) {
      expect(endpoint.retry.delaysMs).toEqual([0, 3 * MIN, 6 * MIN]);
      expect(endpoint.timeoutMs).toBe(30_000);
      expect(endpoint.disableAfter).toEqual({ kind: "duration", ms: 5 * 24 * 60 * MIN });
    }
  });

  it("signs for the customer with a secret, as the doc's steps verify; a tampered body is refused", async () => {
    const receiver = startVendorReceiver((body, headers, path) => (path === "/webhooks/compliancely" ? docHandler(body, headers) : new Response("ok")));
    const { relay, stop } = await startExample("compliancely", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    const data = { business_id: "biz_8812", status: "verified", checks: { tin: "match", sos: "active" } };
    const { id } = (await (await relay.post("/v1/events", { type: "business.status_changed", data })).json()) as { id: string };
    const received = await receiver.waitFor(2, 200);

    const signed = received.find((r) => r.path === "/webhooks/compliancely")!;
    expect(signed.headers.get("compliancely-signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(signed.body.toString("utf8"))).toEqual({ id, type: "business.status_changed", timestamp: expect.any(String), data });
    expect(await receiver.replay(signed.path, signed.headers, tamper(signed.body))).toBe(401);

    const unsigned = received.find((r) => r.path === "/hooks/compliancely")!;
    expect(unsigned.headers.get("compliancely-signature")).toBeNull();
    expect(unsigned.body.equals(signed.body)).toBe(true);
  });
});
