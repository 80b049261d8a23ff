/**
 * @module ingest/ids
 * Time-ordered event ids: `evt_` + 26 Crockford base32 characters (48 bits of
 * milliseconds, 80 random bits, ULID layout). Within one millisecond the random
 * part is incremented, so ids from one process sort in creation order.
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdGenerator = (now: number) => string;

/** A generator that keeps ids monotonic within this process. */
export function createIdGenerator(): IdGenerator {
  let lastTime = -1;
  let timePart = "";
  const random = new Uint8Array(10);
  return (now) => {
    if (now === lastTime) increment(random);
    else {
      crypto.getRandomValues(random);
      lastTime = now;
      timePart = encodeTime(now);
    }
    return `evt_${timePart}${encodeRandom(random)}`;
  };
}

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 80 bits → 16 characters, five bits at a time from the most significant end. */
function encodeRandom(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) return;
  }
}
