/**
 * @module signing/hmac-sha256-prefixed
 * GitHub-style `sha256=<hex HMAC-SHA256 of the body>`, newest secret only (one
 * value per header, as GitHub sends it); the secret's characters are the key.
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

const DEFAULT_HEADER = "X-Signature-256";

export const hmacSha256Prefixed: Scheme = {
  createSigner(secrets, header) {
    const name = header ?? DEFAULT_HEADER;
    const mac = hmacSha256(secrets[0]!.reveal());
    return ({ body }) => ({ [name]: `sha256=${mac(body, "hex")}` });
  },
};
