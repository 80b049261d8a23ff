/**
 * @module signing/hmac-sha256-prefixed
 * GitHub-style `sha256=<hex HMAC-SHA256 of the body>`, newest secret only.
 */
import { hmacSha256 } from "./hmac";
import type { Scheme } from "./scheme";

export const hmacSha256Prefixed: Scheme = {
  defaultHeader: "X-Signature-256",
  headerNames: (header) => [header ?? "X-Signature-256"],
  createSigner(secrets, header) {
    const name = header ?? "X-Signature-256";
    const key = secrets[0]!.reveal();
    return ({ body }) => ({ [name]: `sha256=${hmacSha256(key, body, "hex")}` });
  },
};
