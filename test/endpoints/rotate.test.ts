/**
 * @module test/endpoints/rotate
 * POST /v1/endpoints/:id/rotate-secret: during the grace the schemes with one
 * signature per secret sign with both, the single-signature schemes keep the
 * previous secret until previous_expires_at, then switch. Each secret is
 * checked alone by an independent verifier.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import type { Received } from "../helpers/receiver";
import { waitFor } from "../helpers/wait";
import { type ApiRelay, startApiRelay } from "./support";

let api: ApiRelay;
afterEach(() => api.close());
const stripe = new Stripe("sk_test_hookrelay_rotation");

const standardOk = (secret: string, req: Received) => {
  try {
    new Webhook(secret).verify(req.body, req.headers);
    return true;
  } catch {
    return false;
  }
};
const stripeOk = (secret: string, req: Received, header: string) =>
  stripe.webhooks.constructEventAsync(req.body, req.headers[header]!, secret, 300).then(
    () => true,
    () => false,
  );

/** Creates an endpoint, rotates it with `grace`, sends one event; answers the secrets and the request it got. */
async function rotated(signature: Record<string, string>, grace: string) {
  const receiver = api.receiver();
  const ep = await api.create({ url: receiver.url, events: ["*"], signature });
  const rotation = await api.json("POST", `/v1/endpoints/${ep.id}/rotate-secret`, { grace });
  await api.ingest({ type: "order.created", data: { n: 1 } });
  const [req] = await receiver.waitForRequests(1);
  return { ep, old: ep.secret as string, fresh: rotation.secret as string, expires: rotation.previous_expires_at as string, req: req!, receiver };
}

describe("rotating an endpoint's secret", () => {
  it("answers the new secret once and when the previous one stops; standard-webhooks signs with both meanwhile", async () => {
    api = await startApiRelay();
    const before = Date.now();
    const { ep, old, fresh, expires, req } = await rotated({ scheme: "standard-webhooks" }, "24h");
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(expires) - before).toBeGreaterThanOrEqual(24 * 3_600_000 - 1_000);
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(standardOk(fresh, req)).toBe(true);
    expect(standardOk(old, req)).toBe(true);
    expect(JSON.stringify(await api.json("GET", `/v1/endpoints/${ep.id}`))).not.toContain(fresh);
  });

  it("timestamped sends one v1 per secret during the grace, each verified alone by stripe", async () => {
    api = await startApiRelay();
    const { old, fresh, req } = await rotated({ scheme: "timestamped", header: "X-Acme-Signature" }, "1h");
    expect(req.headers["x-acme-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(await stripeOk(fresh, req, "x-acme-signature")).toBe(true);
    expect(await stripeOk(old, req, "x-acme-signature")).toBe(true);
  });

  it("a single-signature scheme keeps the previous secret through the grace, then switches to the new one", async () => {
    api = await startApiRelay();
    const { ep, old, fresh, expires, req, receiver } = await rotated({ scheme: "hmac-sha256-prefixed" }, "2s");
    expect(await octokitVerify(old, req.body, req.headers["x-signature-256"]!)).toBe(true);
    expect(await octokitVerify(fresh, req.body, req.headers["x-signature-256"]!)).toBe(false);
    // After previous_expires_at the next delivery is signed with the new secret.
    await waitFor("the grace to end", () => Date.now() > Date.parse(expires) + 50, 10_000);
    await api.ingest({ type: "order.created", data: { n: 2 } });
    const [, later] = await receiver.waitForRequests(2);
    expect(await octokitVerify(fresh, later!.body, later!.headers["x-signature-256"]!)).toBe(true);
    expect(await octokitVerify(old, later!.body, later!.headers["x-signature-256"]!)).toBe(false);
    expect((await api.json("GET", `/v1/endpoints/${ep.id}`)).state).toBe("active");
  });

  it("grace 0s drops the old secret at once; a given secret is used; a second rotation drops the older previous one", async () => {
    api = await startApiRelay();
    const receiver = api.receiver();
    const ep = await api.create({ url: receiver.url, events: ["*"] });
    const mine = "whsec_dGhpcyBpcyBteSBvd24gc2VjcmV0IGtleQ==";
    const first = await api.json("POST", `/v1/endpoints/${ep.id}/rotate-secret`, { secret: mine, grace: "0s" });
    expect(first.secret).toBe(mine);
    await api.ingest({ type: "a", data: {} });
    const [one] = await receiver.waitForRequests(1);
    expect(one!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(standardOk(mine, one!)).toBe(true);
    expect(standardOk(ep.secret, one!)).toBe(false);

    const second = await api.json("POST", `/v1/endpoints/${ep.id}/rotate-secret`, {});
    const third = await api.json("POST", `/v1/endpoints/${ep.id}/rotate-secret`, {});
    await api.ingest({ type: "a", data: {} });
    const [, two] = await receiver.waitForRequests(2);
    expect(two!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(standardOk(third.secret, two!)).toBe(true);
    expect(standardOk(second.secret, two!)).toBe(true);
    expect(standardOk(mine, two!)).toBe(false);
  });

  it("refuses a grace beyond 7d or not a duration, and a secret the scheme cannot use", async () => {
    api = await startApiRelay();
    const ep = await api.create({ url: "http://127.0.0.1:9/x", events: ["*"] });
    for (const body of [{ grace: "8d" }, { grace: "soon" }, { secret: "whsec_not base64!" }, { secret: "" }]) {
      const res = await api.relay.admin("POST", `/v1/endpoints/${ep.id}/rotate-secret`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});
