/**
 * @module signing/hmac-sha256-hex
 * Lowercase hex HMAC-SHA256 of the body in one header, signed with the newest
 * secret only (a single-value header has no room for a second signature).
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

export const hmacSha256Hex: Scheme = {
  defaultHeader: "X-Signature",
  headerNames: (header) => [header ?? "X-Signature"],
  createSigner(secrets, header) {
    const name = header ?? "X-Signature";
    const key = secrets[0]!.reveal();
    return ({ body }) => ({ [name]: hmacSha256(key, body, "hex") });
  },
};
