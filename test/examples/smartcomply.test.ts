/**
 * @module test/examples/smartcomply
 * examples/smartcomply.yaml against the receiver in SmartComply's quickstart
 * (raw body, X-SmartComply-Signature parsed into t and v1, a 300-second
 * window, hex HMAC of "{t}.{body}" keyed with the whsec_ string as given,
 * 400 on failure), and against Stripe's library, an independent verifier of
 * t=…,v1=… headers, including both secrets during a rotation.
 */
import { describe, expect, it } from "bun:test";
import crypto from "node:crypto";
import Stripe from "stripe";
import { checkExample, loadExample, startExample, startVendorReceiver, tamper, TOKENS } from "./support";
import { checkPassed } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";

const ENV = {
  SMARTCOMPLY_ACME_SECRET: "whsec_k7Lm9PqRsTuVwXyZ0aBcDeFgHiJkLmNo",
  SMARTCOMPLY_INITECH_SECRET: "whsec_N3wS3cr3tAfterRotation0123456789ab",
  SMARTCOMPLY_INITECH_PREVIOUS_SECRET: "whsec_0ldS3cr3tBeforeRotation987654321",
};
const TOLERANCE_SEC = 300;
const stripe = new Stripe("sk_test_hookrelay_examples");

// The quickstart's handler, step 1 as published (it returns 400 on every failure).
function docHandler(secret: string) {
  return (body: Buffer, headers: Headers): Response => {
    const sigHeader = headers.get("x-smartcomply-signature")!;
    const parts = Object.fromEntries(sigHeader.split(",").map((p) => p.split("=")));
    const t = Number(parts.t);
    const v1 = parts.v1 as string;
    const text = body.toString();
    const age = Math.floor(Date.now() / 1000) - t;
    if (age > TOLERANCE_SEC) return new Response("Signature too old", { status: 400 });
    const expected = crypto.createHmac("sha256", secret).update(`${t}.${text}`).digest("hex");
    if (!crypto.timingSafeEqual(Buffer.from(v1), Buffer.from(expected))) return new Response("Invalid signature", { status: 400 });
    JSON.parse(text);
    return Response.json({ received: true });
  };
}

/** Stripe's verifier on the same request: true when it accepts it with `secret`. */
async function stripeAccepts(body: Buffer, headers: Headers, secret: string): Promise<boolean> {
  try {
    await stripe.webhooks.constructEventAsync(body, headers.get("x-smartcomply-signature")!, secret, TOLERANCE_SEC);
    return true;
  } catch {
    return false;
  }
}

const defer = deferCleanup();

describe("examples/smartcomply.yaml", () => {
  it("passes hookrelay check", async () => {
    expect(await checkExample("smartcomply", { ...ENV, ...TOKENS })).toEqual({ code: 0, stdout: checkPassed(2, "/var/lib/hookrelay/smartcomply.db"), stderr: "" });
  });

  it("keeps the 10-second timeout, the chosen timetable and disable threshold", () => {
    const [acme, initech] = loadExample("smartcomply", { ...ENV, ...TOKENS }).endpoints;
    expect(acme!.timeoutMs).toBe(10_000);
    expect(acme!.retry.delaysMs).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(acme!.disableAfter).toEqual({ kind: "duration", ms: 5 * 86_400_000 });
    expect(initech!.secrets).toHaveLength(2);
  });

  it("delivers what the quickstart's receiver and Stripe's library accept, keyed with the whsec_ string as given; a tampered body is refused", async () => {
    const receiver = startVendorReceiver(docHandler(ENV.SMARTCOMPLY_ACME_SECRET));
    const { relay, stop } = await startExample("smartcomply", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    const data = { test_id: "tst_4471", control: "A.9.2.3", result: "passed" };
    const before = Math.floor(Date.now() / 1000);
    const { id } = (await (await relay.post("/v1/events", { type: "test.submitted", data })).json()) as { id: string };
    const [req] = await receiver.waitFor(1, 200);

    const header = req!.headers.get("x-smartcomply-signature")!;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Number(/^t=(\d+)/.exec(header)![1])).toBeGreaterThanOrEqual(before);
    const event = JSON.parse(req!.body.toString());
    expect(event).toEqual({ id, type: "test.submitted", created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), data });

    expect(await stripeAccepts(req!.body, req!.headers, ENV.SMARTCOMPLY_ACME_SECRET)).toBe(true);
    // The whsec_ prefix is part of the key here; a verifier that decoded it would not match.
    const decoded = crypto.createHmac("sha256", Buffer.from(ENV.SMARTCOMPLY_ACME_SECRET.slice(6), "base64"));
    expect(header).not.toContain(decoded.update(`${/^t=(\d+)/.exec(header)![1]}.${req!.body}`).digest("hex"));

    expect(await receiver.replay(req!.path, req!.headers, tamper(req!.body))).toBe(400);
    expect(await stripeAccepts(tamper(req!.body), req!.headers, ENV.SMARTCOMPLY_ACME_SECRET)).toBe(false);
  });

  it("signs with both secrets while rotating: Stripe's library accepts either, the quickstart's sample the one it reads", async () => {
    // Both endpoints take notice.created; record both and verify initech's below.
    const receiver = startVendorReceiver(() => Response.json({ received: true }));
    const { relay, stop } = await startExample("smartcomply", ENV, receiver.url);
    defer(() => receiver.close(), stop);

    await relay.post("/v1/events", { type: "notice.created", data: { notice_id: "ntc_12", title: "Policy review due" } });
    const delivered = await receiver.waitFor(2, 200);
    const initech = delivered.find((r) => r.headers.get("x-smartcomply-signature")!.split(",v1=").length === 3)!;
    expect(initech.headers.get("x-smartcomply-signature")).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);

    expect(await stripeAccepts(initech.body, initech.headers, ENV.SMARTCOMPLY_INITECH_SECRET)).toBe(true);
    expect(await stripeAccepts(initech.body, initech.headers, ENV.SMARTCOMPLY_INITECH_PREVIOUS_SECRET)).toBe(true);
    expect(await stripeAccepts(initech.body, initech.headers, ENV.SMARTCOMPLY_ACME_SECRET)).toBe(false);
    // The sample keeps the last v1= (the previous secret's), as the example's comment warns.
    expect(docHandler(ENV.SMARTCOMPLY_INITECH_PREVIOUS_SECRET)(initech.body, initech.headers).status).toBe(200);
    expect(docHandler(ENV.SMARTCOMPLY_INITECH_SECRET)(initech.body, initech.headers).status).toBe(400);
  });
});
