/**
 * @module signing/hmac-sha256-hex
 * Lowercase hex HMAC-SHA256 of the body in one header, signed with the newest
 * secret only (a single-value header has no room for a second signature). The
 * secret's characters are the key, `whsec_` included: receivers of this scheme
 * pass the secret straight to their HMAC function.
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

const DEFAULT_HEADER = "X-Signature";

export const hmacSha256Hex: Scheme = {
  createSigner(secrets, header) {
    const name = header ?? DEFAULT_HEADER;
    const mac = hmacSha256(secrets[0]!.reveal());
    return ({ body }) => ({ [name]: mac(body, "hex") });
  },
};
