/**
 * @module delivery/excerpt
 * The start of a receiver's answer kept in the attempt log: at most 4 KiB of
 * UTF-8 as stored and as the admin API answers it, cut between characters.
 * Answers are bytes, excerpts are text: bytes that are not UTF-8 become U+FFFD,
 * three bytes each, so the cut is made on the bytes and, when they grew, on the text.
 */

/** The most of an excerpt's UTF-8 kept. */
export const EXCERPT_BYTES = 4 * 1024;

/** At most EXCERPT_BYTES of `bytes` decoded as UTF-8, leaving out a character that crosses that mark (it needs one byte past it to tell). */
export function startAsText(bytes: Uint8Array): string {
  const end = bytes.byteLength <= EXCERPT_BYTES ? bytes.byteLength : characterStart(bytes, EXCERPT_BYTES);
  return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString("utf8");
}

/** `at`, or the start of the UTF-8 character that `at` falls inside; bytes that are not UTF-8 are cut where they are. */
function characterStart(bytes: Uint8Array, at: number): number {
  // A continuation byte (10xxxxxx) at `at` means a character may have started up to 3 bytes before.
  if (((bytes[at] ?? 0) & 0xc0) !== 0x80) return at;
  for (let start = at - 1; start >= at - 3; start--) {
    const byte = bytes[start] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte < 0xc0 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : byte < 0xf8 ? 4 : 1;
    return start + length > at ? start : at;
  }
  return at;
}

const encoder = new TextEncoder();
/** encodeInto's target: only the count it returns is used. */
const scratch = new Uint8Array(EXCERPT_BYTES);

/** The longest start of `text` whose UTF-8 fits in EXCERPT_BYTES, never cut inside a character. */
export function fitExcerpt(text: string): string {
  // A UTF-16 unit takes at most 3 bytes of UTF-8, so a short answer fits unmeasured,
  // and text that was UTF-8 already fits, measured but not copied.
  if (text.length * 3 <= EXCERPT_BYTES || Buffer.byteLength(text, "utf8") <= EXCERPT_BYTES) return text;
  // Only bytes that were not UTF-8, each grown into a 3-byte U+FFFD, get here. encodeInto
  // writes whole characters only and says how many units of the text they took.
  return text.slice(0, encoder.encodeInto(text, scratch).read);
}
