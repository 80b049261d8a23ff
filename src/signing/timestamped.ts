/**
 * @module signing/timestamped
 * Stripe-style `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, one
 * `v1=` per secret so receivers keep verifying during rotation. The secret's
 * characters are the key, `whsec_` included, as Stripe's own verifier uses them.
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

const DEFAULT_HEADER = "X-Signature";

export const timestamped: Scheme = {
  createSigner(secrets, header) {
    const name = header ?? DEFAULT_HEADER;
    const macs = secrets.map((s) => hmacSha256(s.reveal()));
    return ({ timestampSec, body }) => {
      const content = `${timestampSec}.${body}`;
      const signatures = macs.map((mac) => `v1=${mac(content, "hex")}`).join(",");
      return { [name]: `t=${timestampSec},${signatures}` };
    };
  },
};
