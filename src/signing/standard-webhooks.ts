/**
 * @module signing/standard-webhooks
 * The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
 * one `v1,` entry per secret so receivers keep verifying during rotation.
 * A `whsec_` secret is base64-decoded to its key bytes, as the spec says; any
 * other secret is used as its UTF-8 bytes. The scheme has fixed header names.
 */
import { hmacSha256, type HmacKey } from "./hmac";
import type { Scheme } from "./scheme";
import type { Secret } from "./secret";

const WHSEC_PREFIX = "whsec_";

/** The key bytes of a secret as the spec defines them. */
export function standardWebhooksKey(secret: Secret): HmacKey {
  const text = secret.reveal();
  return text.startsWith(WHSEC_PREFIX) ? Buffer.from(text.slice(WHSEC_PREFIX.length), "base64") : text;
}

export const standardWebhooks: Scheme = {
  createSigner(secrets) {
    const macs = secrets.map((secret) => hmacSha256(standardWebhooksKey(secret)));
    return ({ id, timestampSec, body }) => {
      const content = `${id}.${timestampSec}.${body}`;
      return {
        "webhook-id": id,
        "webhook-timestamp": String(timestampSec),
        "webhook-signature": macs.map((mac) => `v1,${mac(content, "base64")}`).join(" "),
      };
    };
  },
};
