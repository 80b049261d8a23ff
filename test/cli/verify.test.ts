/**
 * @module test/cli/verify
 * `receive`'s signature check against signatures made independently: the
 * standardwebhooks package and node:crypto, so a mistake shared with our
 * signers cannot pass unnoticed.
 */
import { describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { TIMESTAMP_TOLERANCE_SEC, verifySignature } from "../../src/cli/verify";

const BODY = '{"id":"evt_1","type":"scan.completed","data":{"score":85}}';
const NOW = 1_772_000_000;
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const hex = (key: string, content: string) => createHmac("sha256", key).update(content).digest("hex");

function standardHeaders(secret: string, id = "evt_1", ts = NOW): Headers {
  const signature = new Webhook(secret).sign(id, new Date(ts * 1000), BODY);
  return new Headers({ "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature });
}

describe("receive verifies signatures", () => {
  it("accepts a Standard Webhooks signature made by the standardwebhooks package", () => {
    expect(verifySignature({ scheme: "standard-webhooks", secrets: [WHSEC], header: null }, standardHeaders(WHSEC), BODY, NOW)).toEqual({ ok: true });
  });

  it("accepts when any of several v1 entries matches, and when any of several secrets does", () => {
    const headers = standardHeaders(WHSEC);
    headers.set("webhook-signature", `v1,AAAA ${headers.get("webhook-signature")}`);
    const verdict = verifySignature({ scheme: "standard-webhooks", secrets: ["whsec_b3RoZXI=", WHSEC], header: null }, headers, BODY, NOW);
    expect(verdict).toEqual({ ok: true });
  });

  it("refuses a wrong secret, a changed body, missing headers and a stale timestamp", () => {
    const opts = { scheme: "standard-webhooks" as const, secrets: [WHSEC], header: null };
    expect(verifySignature({ ...opts, secrets: ["whsec_b3RoZXI="] }, standardHeaders(WHSEC), BODY, NOW).ok).toBe(false);
    expect(verifySignature(opts, standardHeaders(WHSEC), `${BODY} `, NOW).ok).toBe(false);
    expect(verifySignature(opts, new Headers(), BODY, NOW)).toEqual({ ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature" });
    const stale = verifySignature(opts, standardHeaders(WHSEC, "evt_1", NOW - TIMESTAMP_TOLERANCE_SEC - 1), BODY, NOW);
    expect(stale.ok).toBe(false);
  });

  it.each([
    ["hmac-sha256-hex", null, "X-Signature", hex("s3cret", BODY)],
    ["hmac-sha256-hex", "X-Hub-Sig", "X-Hub-Sig", hex("s3cret", BODY)],
    ["hmac-sha256-prefixed", null, "X-Signature-256", `sha256=${hex("s3cret", BODY)}`],
    ["timestamped", null, "X-Signature", `t=${NOW},v1=${hex("s3cret", `${NOW}.${BODY}`)}`],
    ["timestamped", "Stripe-Signature", "Stripe-Signature", `t=${NOW},v1=deadbeef,v1=${hex("s3cret", `${NOW}.${BODY}`)}`],
  ] as const)("accepts %s (header %s) computed with node:crypto", (scheme, header, name, value) => {
    const ok = verifySignature({ scheme, secrets: ["s3cret"], header }, new Headers({ [name]: value }), BODY, NOW);
    expect(ok).toEqual({ ok: true });
    const wrong = verifySignature({ scheme, secrets: ["other"], header }, new Headers({ [name]: value }), BODY, NOW);
    expect(wrong).toEqual({ ok: false, reason: `${name} does not match the secret` });
  });

  it("uses a whsec_ secret's characters as given outside standard-webhooks", () => {
    const value = hex(WHSEC, BODY);
    expect(verifySignature({ scheme: "hmac-sha256-hex", secrets: [WHSEC], header: null }, new Headers({ "X-Signature": value }), BODY, NOW)).toEqual({ ok: true });
  });

  it("accepts anything under scheme none", () => {
    expect(verifySignature({ scheme: "none", secrets: [], header: null }, new Headers(), BODY, NOW)).toEqual({ ok: true });
  });
});
