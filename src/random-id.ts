/**
 * @module random-id
 * Random identifiers and tokens: lowercase Crockford base32, so ids fit the
 * endpoint id pattern and read unambiguously, from the system's CSPRNG.
 */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** `prefix` + `chars` random base32 characters (5 bits each). */
export function randomId(prefix: string, chars: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(chars));
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}
