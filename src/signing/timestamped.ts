/**
 * @module signing/timestamped
 * Stripe-style `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, one
 * `v1=` per secret so receivers keep verifying during rotation.
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

export const timestamped: Scheme = {
  defaultHeader: "X-Signature",
  headerNames: (header) => [header ?? "X-Signature"],
  createSigner(secrets, header) {
    const name = header ?? "X-Signature";
    const keys = secrets.map((s) => s.reveal());
    return ({ timestampSec, body }) => {
      const content = `${timestampSec}.${body}`;
      const signatures = keys.map((key) => `v1=${hmacSha256(key, content, "hex")}`).join(",");
      return { [name]: `t=${timestampSec},${signatures}` };
    };
  },
};
