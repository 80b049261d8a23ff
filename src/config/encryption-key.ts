/**
 * @module config/encryption-key
 * The spelling of the keys that encrypt secrets at rest (`storage.encryption_key`
 * and friends): 32 random bytes, written as base64 or as 64 hex digits.
 */

/** What `check` says of a key that is not one. */
export const KEY_EXPECTATION = "expected a 32-byte key: 44 characters of base64 or 64 hex digits (e.g. openssl rand -base64 32)";

/** The 32 key bytes of `text`, or null when it is neither spelling. */
export function decodeKeyText(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Uint8Array.from(Buffer.from(trimmed, "hex"));
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, "base64");
    return bytes.length === 32 ? Uint8Array.from(bytes) : null;
  }
  return null;
}
