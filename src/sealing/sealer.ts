/**
 * @module sealing/sealer
 * Secrets at rest: AES-256-GCM under the configured keys. A sealed value is
 * `v1.<key id>.<nonce>.<ciphertext+tag>` (base64url parts); the key id is the
 * first bytes of the key's SHA-256, so a value names the key that opens it and
 * `encryption_keys: [new, old]` can open both while everything is resealed
 * under the first. The authentication tag means a changed or swapped value
 * fails to open instead of yielding a wrong secret.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that no configured key opens, or that was altered. */
export class SealError extends Error {
  override readonly name = "SealError";
}

interface Key {
  readonly id: string;
  readonly bytes: Uint8Array;
}

export class Sealer {
  readonly #keys: readonly Key[];

  /** `keys` are 32 bytes each, newest first: values are sealed under the first. */
  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new Error("a Sealer needs at least one key");
    this.#keys = keys.map((bytes) => ({ id: keyId(bytes), bytes }));
  }

  seal(plain: string): string {
    const key = this.#keys[0]!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key.bytes, nonce);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, key.id, nonce.toString("base64url"), body.toString("base64url")].join(".");
  }

  open(sealed: string): string {
    const [version, id, nonceText, bodyText] = sealed.split(".");
    if (version !== VERSION || nonceText === undefined || bodyText === undefined) throw new SealError("not a sealed value");
    const key = this.#keys.find((k) => k.id === id);
    if (!key) throw new SealError(`sealed under key ${id}, which is not configured (storage.encryption_keys)`);
    const body = Buffer.from(bodyText, "base64url");
    if (body.length < TAG_BYTES) throw new SealError("a sealed value was cut short");
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(nonceText, "base64url"));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new SealError(`a sealed value under key ${id} does not authenticate: it was altered`);
    }
  }

  /** Whether `sealed` is under a key other than the newest, and so is to be sealed again. */
  isStale(sealed: string): boolean {
    return sealed.split(".", 2)[1] !== this.#keys[0]!.id;
  }
}

/** The id a sealed value names its key by: not secret, and says nothing of the key. */
function keyId(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 8);
}
