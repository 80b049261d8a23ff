/** @module signing/hmac — HMAC-SHA256 via Bun.CryptoHasher, the fastest HMAC available in Bun. */

export type HmacKey = string | Uint8Array;

/** HMAC-SHA256 of `content` under `key`, encoded as asked. */
export function hmacSha256(key: HmacKey, content: string, encoding: "hex" | "base64"): string {
  return new Bun.CryptoHasher("sha256", key).update(content).digest(encoding);
}
