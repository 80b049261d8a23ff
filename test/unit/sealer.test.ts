/** @module test/unit/sealer — secrets at rest: sealed values open only under their key, refuse tampering, and name the key for resealing. */
import { describe, expect, it } from "bun:test";
import { SealError, Sealer } from "../../src/sealing/sealer";

const key = (n: number) => new Uint8Array(32).fill(n);

describe("the sealer", () => {
  it("opens what it sealed, never the same text twice, and refuses what was altered or sealed under an unknown key", () => {
    const sealer = new Sealer([key(1)]);
    const a = sealer.seal("whsec_abc");
    const b = sealer.seal("whsec_abc");
    expect(a).not.toBe(b);
    expect(a).not.toContain("abc");
    expect(sealer.open(a)).toBe("whsec_abc");
    const parts = a.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0]! ^= 1;
    expect(() => sealer.open([...parts.slice(0, 3), flipped.toString("base64url")].join("."))).toThrow(SealError);
    expect(() => new Sealer([key(2)]).open(a)).toThrow(SealError);
    expect(() => sealer.open("plain text")).toThrow(SealError);
  });

  it("opens values under any configured key and says which are not under the newest", () => {
    const old = new Sealer([key(1)]).seal("s");
    const both = new Sealer([key(2), key(1)]);
    expect(both.open(old)).toBe("s");
    expect(both.isStale(old)).toBe(true);
    expect(both.isStale(both.seal("s"))).toBe(false);
  });
});
