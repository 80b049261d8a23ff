import { describe, expect, it } from "bun:test";
import { TokenBucket } from "../../src/scheduler/rate-limit";

describe("token bucket", () => {
  it("allows a burst of N, then N per period", () => {
    const bucket = new TokenBucket({ count: 5, perMs: 1000 }, 0);
    expect(bucket.available(0)).toBe(5);
    bucket.take(5);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.nextTokenAt(0)).toBe(200);
    expect(bucket.available(199)).toBe(0);
    expect(bucket.available(200)).toBe(1);
    expect(bucket.available(10_000)).toBe(5);
  });

  it("never stores more than one burst", () => {
    const bucket = new TokenBucket({ count: 3, perMs: 60_000 }, 0);
    expect(bucket.available(3_600_000)).toBe(3);
  });
});
