import { describe, expect, it } from "bun:test";
import { type AttemptResult, classify, type ClassifyInput } from "../../src/delivery/classify";

const policy = { delaysMs: [0, 1000, 60_000], maxAgeMs: null };
const base: ClassifyInput = {
  result: { kind: "response", status: 200, retryAfter: null },
  attemptsMade: 1,
  policy,
  jitter: 0,
  disableAfter: { kind: "count", failures: 3 },
  counters: { consecutiveFailures: 0, failingSince: null },
  createdAt: 0,
  startedAt: 10_000,
  now: 10_500,
  random: 0,
};
const response = (status: number, retryAfter: string | null = null): AttemptResult => ({ kind: "response", status, retryAfter });

// [name, overrides, expected delivery verdict, expected label, expected disable reason]
const table: [string, Partial<ClassifyInput>, unknown, string, string | null][] = [
  ["2xx delivers", { result: response(204) }, { status: "delivered" }, "success", null],
  ["500 retries after the next delay", { result: response(500) }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", null],
  ["3xx retries (redirects are failures)", { result: response(302) }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", null],
  ["400 retries", { result: response(400) }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", null],
  ["a timeout retries", { result: { kind: "timeout" } }, { status: "pending", nextAttemptAt: 11_500 }, "timeout", null],
  ["a network error retries", { result: { kind: "network" } }, { status: "pending", nextAttemptAt: 11_500 }, "network", null],
  ["a blocked address retries", { result: { kind: "blocked" } }, { status: "pending", nextAttemptAt: 11_500 }, "blocked", null],
  ["the last attempt failing is dead", { result: response(500), attemptsMade: 3 }, { status: "failed" }, "http_error", null],
  ["410 disables at once", { result: response(410) }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", "the receiver answered 410 Gone"],
  [
    "reaching the failure count disables",
    { result: response(500), counters: { consecutiveFailures: 2, failingSince: 1 } },
    { status: "pending", nextAttemptAt: 11_500 },
    "http_error",
    "3 consecutive failed attempts",
  ],
  [
    "failing for the disable duration disables",
    { result: response(500), disableAfter: { kind: "duration", ms: 5000 }, counters: { consecutiveFailures: 1, failingSince: 5000 } },
    { status: "pending", nextAttemptAt: 11_500 },
    "http_error",
    "failing with no success since 1970-01-01T00:00:05.000Z",
  ],
  [
    "a shorter failing streak does not disable",
    { result: response(500), disableAfter: { kind: "duration", ms: 5000 }, counters: { consecutiveFailures: 1, failingSince: 9000 } },
    { status: "pending", nextAttemptAt: 11_500 },
    "http_error",
    null,
  ],
  ["429 Retry-After seconds pushes the retry", { result: response(429, "30") }, { status: "pending", nextAttemptAt: 40_500 }, "http_error", null],
  ["503 Retry-After is capped at the longest delay", { result: response(503, "86400") }, { status: "pending", nextAttemptAt: 70_500 }, "http_error", null],
  [
    "Retry-After as an HTTP date",
    { result: response(503, new Date(20_000).toUTCString()) },
    { status: "pending", nextAttemptAt: 20_000 },
    "http_error",
    null,
  ],
  ["garbage Retry-After is ignored", { result: response(429, "soon") }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", null],
  ["Retry-After on a 500 is ignored", { result: response(500, "30") }, { status: "pending", nextAttemptAt: 11_500 }, "http_error", null],
  ["Retry-After never adds attempts", { result: response(429, "5"), attemptsMade: 3 }, { status: "failed" }, "http_error", null],
  ["max_age ends the timetable early", { result: response(500), policy: { ...policy, maxAgeMs: 11_000 } }, { status: "failed" }, "http_error", null],
  ["jitter only adds", { result: response(500), jitter: 0.1, random: 0.5 }, { status: "pending", nextAttemptAt: 11_550 }, "http_error", null],
];

describe("classify", () => {
  for (const [name, overrides, delivery, label, disable] of table) {
    it(name, () => {
      const d = classify({ ...base, ...overrides });
      expect(d.delivery).toEqual(delivery as never);
      expect(d.label).toBe(label as never);
      expect(d.disable).toBe(disable);
    });
  }

  it("resets the failure counters on success and counts failures from the first failed attempt's start", () => {
    expect(classify({ ...base, counters: { consecutiveFailures: 4, failingSince: 1 } }).counters).toEqual({
      consecutiveFailures: 0,
      failingSince: null,
    });
    expect(classify({ ...base, result: response(500) }).counters).toEqual({ consecutiveFailures: 1, failingSince: 10_000 });
  });
});
