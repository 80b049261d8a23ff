/** @module signing/hmac — HMAC-SHA256 via Bun.CryptoHasher, the fastest HMAC available in Bun. */

export type HmacKey = string | Uint8Array;

/** HMAC-SHA256 under one key of `content`, encoded as asked. */
export type Mac = (content: string, encoding: "hex" | "base64") => string;

/**
 * Prepares HMAC-SHA256 under `key` once (a signer's life): each signature
 * copies the keyed state instead of hashing the key's pads again.
 */
export function hmacSha256(key: HmacKey): Mac {
  const keyed = new Bun.CryptoHasher("sha256", key);
  return (content, encoding) => keyed.copy().update(content).digest(encoding);
}
