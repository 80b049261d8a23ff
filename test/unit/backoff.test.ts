import { describe, expect, it } from "bun:test";
import { nextAttemptAt, upcomingAttempts } from "../../src/scheduler/backoff";
import { parseRetryAfter } from "../../src/delivery/retry-after";

const standard = { delaysMs: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], maxAgeMs: null };

describe("backoff", () => {
  it("follows the Standard Webhooks timetable, each delay counted from the previous failure", () => {
    let from = 0;
    const times: number[] = [];
    for (let made = 1; made < standard.delaysMs.length; made++) {
      const at = nextAttemptAt({ policy: standard, attemptsMade: made, createdAt: 0, from, jitter: 0, random: 0 })!;
      times.push(at - from);
      from = at;
    }
    expect(times).toEqual(standard.delaysMs.slice(1));
    expect(nextAttemptAt({ policy: standard, attemptsMade: 8, createdAt: 0, from, jitter: 0, random: 0 })).toBeNull();
  });

  it("adds jitter within the configured fraction, never subtracting", () => {
    for (const random of [0, 0.25, 0.999]) {
      const at = nextAttemptAt({ policy: standard, attemptsMade: 1, createdAt: 0, from: 0, jitter: 0.1, random })!;
      expect(at).toBeGreaterThanOrEqual(5_000);
      expect(at).toBeLessThanOrEqual(5_500);
    }
  });

  it("lists the remaining attempts for `deliveries show`, stopping at max_age", () => {
    expect(upcomingAttempts(standard, 6, 1000, 0)).toEqual([1000, 36_001_000]);
    expect(upcomingAttempts({ delaysMs: [0, 10, 20, 40], maxAgeMs: 50 }, 1, 10, 0)).toEqual([10, 30]);
    expect(upcomingAttempts(standard, 8, null, 0)).toEqual([]);
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-03-08T12:00:00Z");
  const table: [string | null, number | null][] = [
    ["120", 120_000],
    ["0", 0],
    [" 7 ", 7_000],
    ["Sun, 08 Mar 2026 12:01:00 GMT", 60_000],
    ["Sun, 08 Mar 2026 11:00:00 GMT", 0],
    ["-5", null],
    ["1.5", null],
    ["tomorrow", null],
    ["2026-03-08T12:01:00Z", null],
    [null, null],
  ];
  for (const [value, expected] of table) {
    it(`${JSON.stringify(value)} → ${expected}`, () => expect(parseRetryAfter(value, now)).toBe(expected));
  }
});
