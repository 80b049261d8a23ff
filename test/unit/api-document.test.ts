/** @module test/unit/api-document — JSON merge patch (RFC 7396) and config key paths as JSON pointers. */
import { describe, expect, it } from "bun:test";
import { pointerOf } from "../../src/config/endpoint-document";
import { mergePatch } from "../../src/endpoints/api-document";

describe("merge patch", () => {
  it("follows the RFC 7396 examples", () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [["a", "b"], ["c", "d"], ["c", "d"]],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases) expect(mergePatch(target, patch)).toEqual(result);
  });
});

describe("config key paths as JSON pointers", () => {
  it("turns keys, indexes and quoted keys into pointer segments", () => {
    expect(pointerOf(".signature.header")).toBe("/signature/header");
    expect(pointerOf(".events[2]")).toBe("/events/2");
    expect(pointerOf('.filter["data.severity"]')).toBe("/filter/data.severity");
    expect(pointerOf('.headers["a/b~c"]')).toBe("/headers/a~1b~0c");
    expect(pointerOf("")).toBe("/");
  });
});
