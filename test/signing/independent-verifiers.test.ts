/**
 * @module test/signing/independent-verifiers
 * Deliveries from a real daemon checked by well-known libraries that share no
 * code with ours: standardwebhooks and svix (Standard Webhooks, whsec_ keys,
 * both keys during rotation), stripe (t=…,v1=… under our header name, both
 * secrets during rotation) and @octokit/webhooks-methods (GitHub's sha256=,
 * first secret only).
 */
import { describe, expect, it } from "bun:test";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { type Received, startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";

const NEW = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OLD = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const UNRELATED = "whsec_dGhpcyBrZXkgc2lnbnMgbm90aGluZyBoZXJl";
const stripe = new Stripe("sk_test_hookrelay_signing");

const defer = deferCleanup();

/** Delivers one event to an endpoint with `signature` and secrets [NEW, OLD]; returns the request. */
async function deliverOne(signature: string): Promise<Received> {
  const receiver = startReceiver();
  const tmp = tempDir();
  const yaml = configYaml(tmp.dir, `  - id: rotating\n    url: ${receiver.url}\n    events: ["*"]\n    secrets: ["${NEW}", "${OLD}"]\n    signature: ${signature}\n`);
  const relay = await startRelay(yaml, { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop(), () => receiver.close());
  await relay.post("/v1/events", { type: "scan.completed", data: { domain: "café.example", score: 85 } });
  const [req] = await receiver.waitForRequests(1);
  return req!;
}

const tampered = (body: string) => body.replace("85", "86");

describe("independent verifiers accept hookrelay's deliveries", () => {
  it("standardwebhooks and svix verify standard-webhooks with either whsec_ key during rotation", async () => {
    const req = await deliverOne("{ scheme: standard-webhooks }");
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const key of [NEW, OLD]) {
      expect(new StandardWebhook(key).verify(req.body, req.headers)).toMatchObject({ type: "scan.completed" });
      expect(new SvixWebhook(key).verify(req.body, req.headers)).toMatchObject({ type: "scan.completed" });
      expect(() => new StandardWebhook(key).verify(tampered(req.body), req.headers)).toThrow();
      expect(() => new SvixWebhook(key).verify(tampered(req.body), req.headers)).toThrow();
    }
    expect(() => new StandardWebhook(UNRELATED).verify(req.body, req.headers)).toThrow();
    expect(() => new SvixWebhook(UNRELATED).verify(req.body, req.headers)).toThrow();
  });

  it("stripe verifies timestamped under a custom header with either secret during rotation", async () => {
    const req = await deliverOne("{ scheme: timestamped, header: X-Acme-Signature }");
    const header = req.headers["x-acme-signature"]!;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    const accepts = (body: string, secret: string) =>
      stripe.webhooks.constructEventAsync(body, header, secret, 300).then(
        () => true,
        () => false,
      );
    expect(await accepts(req.body, NEW)).toBe(true);
    expect(await accepts(req.body, OLD)).toBe(true);
    expect(await accepts(req.body, UNRELATED)).toBe(false);
    expect(await accepts(tampered(req.body), NEW)).toBe(false);
  });

  it("@octokit/webhooks-methods verifies hmac-sha256-prefixed with the first secret only", async () => {
    const req = await deliverOne("{ scheme: hmac-sha256-prefixed }");
    const signature = req.headers["x-signature-256"]!;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await octokitVerify(NEW, req.body, signature)).toBe(true);
    expect(await octokitVerify(OLD, req.body, signature)).toBe(false);
    expect(await octokitVerify(NEW, tampered(req.body), signature)).toBe(false);
  });
});
