import { describe, expect, it } from "bun:test";
import { matchesFilter, matchesType } from "../../src/endpoints/matching";
import { createIdGenerator } from "../../src/ingest/ids";

describe("event type patterns", () => {
  const table: [string[], string, boolean][] = [
    [["scan.completed"], "scan.completed", true],
    [["scan.completed"], "scan.failed", false],
    [["scan.*"], "scan.completed", true],
    [["scan.*"], "scan.a.b", true],
    [["scan.*"], "scanner.x", false],
    [["*"], "anything", true],
    [["*"], "hookrelay.endpoint.disabled", false],
    [["hookrelay.*"], "hookrelay.endpoint.disabled", true],
    [["hookrelay.endpoint.*"], "hookrelay.endpoint.enabled", true],
    [["hookrelay.delivery.failed"], "hookrelay.delivery.failed", true],
    [["*", "hookrelay.*"], "hookrelay.delivery.failed", true],
  ];
  for (const [patterns, type, expected] of table) {
    it(`${JSON.stringify(patterns)} ${expected ? "matches" : "does not match"} ${type}`, () =>
      expect(matchesType(patterns, type)).toBe(expected));
  }
});

describe("filters", () => {
  const event = { id: "e1", type: "alert", ordering_key: null, data: { severity: "HIGH", env: { name: "prod" }, n: 3 } };
  it("needs every rule to hold, each against any of its values", () => {
    expect(matchesFilter([{ path: ["data", "severity"], anyOf: ["HIGH", "CRITICAL"] }], event)).toBe(true);
    expect(matchesFilter([{ path: ["data", "severity"], anyOf: ["LOW"] }], event)).toBe(false);
    expect(matchesFilter([{ path: ["data", "env", "name"], anyOf: ["prod"] }, { path: ["data", "n"], anyOf: [3] }], event)).toBe(true);
    expect(matchesFilter([{ path: ["data", "env", "name"], anyOf: ["prod"] }, { path: ["data", "n"], anyOf: ["3"] }], event)).toBe(false);
    expect(matchesFilter([{ path: ["data", "missing"], anyOf: [null] }], event)).toBe(false);
    expect(matchesFilter([{ path: ["type"], anyOf: ["alert"] }], event)).toBe(true);
    expect(matchesFilter([{ path: ["data", "severity", "length"], anyOf: [4] }], event)).toBe(false);
  });
});

describe("event ids", () => {
  it("are evt_ plus 26 Crockford characters and sort in creation order, also within one millisecond", () => {
    const next = createIdGenerator();
    const ids = [next(1000), next(1000), next(1000), next(1001), next(5_000_000_000_000)];
    for (const id of ids) expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
