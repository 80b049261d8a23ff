/** @module test/unit/excerpt — the excerpt's cut: at most 4 KiB of UTF-8, between characters, for text and for bytes that are not UTF-8. */
import { describe, expect, it } from "bun:test";
import { EXCERPT_BYTES, fitExcerpt, startAsText } from "../../src/delivery/excerpt";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
const a = (n: number) => "a".repeat(n);

// [name, the answer's bytes, the excerpt]
const CASES: [string, Uint8Array, string][] = [
  ["a short answer whole", bytes("ok"), "ok"],
  ["ASCII cut at the mark", bytes(a(5000)), a(4096)],
  ["a 2-byte character ending at the mark", bytes(a(4094), "é", "b"), `${a(4094)}é`],
  ["a 2-byte character across the mark left out", bytes(a(4095), "é"), a(4095)],
  ["a 3-byte character across the mark left out", bytes(a(4095), "€"), a(4095)],
  ["a 4-byte character across the mark left out", bytes(a(4093), "😀"), a(4093)],
  // 4093 + 😀 = 4097 bytes; the stray continuation byte after it is what the mark falls on.
  ["a stray continuation byte at the mark, after a whole character", bytes(a(4092), "😀", [0x80, 0x80]), `${a(4092)}😀`],
  // Not UTF-8: cut at the mark, each byte a 3-byte U+FFFD, then cut again to fit.
  ["continuation bytes only", bytes(a(4092), [0x80, 0x80, 0x80, 0x80, 0x80]), `${a(4092)}\uFFFD`],
];

describe("response excerpt", () => {
  for (const [name, answer, expected] of CASES) {
    it(`keeps ${name}`, () => {
      const excerpt = fitExcerpt(startAsText(answer));
      expect(excerpt).toBe(expected);
      expect(Buffer.byteLength(excerpt, "utf8")).toBeLessThanOrEqual(EXCERPT_BYTES);
    });
  }

  it("keeps whole characters of text grown past 4 KiB by replacement characters", () => {
    const text = `${a(4094)}\uFFFD\uFFFD`; // 4,100 bytes of UTF-8 from 4,096 of answer
    expect(fitExcerpt(text)).toBe(a(4094));
    expect(fitExcerpt(`${a(4092)}😀b`)).toBe(`${a(4092)}😀`);
    expect(fitExcerpt(`${a(4093)}😀`)).toBe(a(4093));
  });
});
