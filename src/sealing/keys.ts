/**
 * @module sealing/keys
 * Where the keys for secrets at rest come from: the config's
 * `storage.encryption_key` / `encryption_key_file` / `encryption_keys`, or,
 * when none is set, a key file beside the SQLite database, created at the
 * first start with mode 0600. That file must be backed up with the database:
 * without it the stored secrets cannot be opened.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { decodeKeyText } from "../config/encryption-key";
import type { Secret } from "../signing/secret";

/** The key file used when the config names no key. */
export function keyFilePath(databasePath: string): string {
  return `${databasePath}.key`;
}

export interface KeySource {
  /** 32 bytes each, newest first. */
  readonly keys: readonly Uint8Array[];
  /** The key file in use, when the config sets no key; null otherwise. */
  readonly keyFile: string | null;
}

/** The configured keys, or the key file's (created when missing). */
export function loadKeys(configured: readonly Secret[], databasePath: string): KeySource {
  if (configured.length > 0) {
    // The config loader has already refused keys that do not decode.
    return { keys: configured.map((k) => decodeKeyText(k.reveal())!), keyFile: null };
  }
  const path = keyFilePath(databasePath);
  if (!existsSync(path)) {
    // wx: two starts racing never overwrite each other's key.
    try {
      writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
    }
  }
  const key = decodeKeyText(readFileSync(path, "utf8"));
  if (!key) throw new Error(`the key file ${path} does not hold a 32-byte key; restore it from the backup taken with the database`);
  // A key file copied in with looser permissions would be readable by other users.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { keys: [key], keyFile: path };
}
