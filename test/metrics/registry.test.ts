/** @module test/metrics/registry — the exposition escapes what it must and keeps histograms cumulative. */
import { describe, expect, it } from "bun:test";
import { Counter, Histogram, Registry } from "../../src/metrics/registry";
import { checkHistograms, parseExposition, valueOf } from "./exposition";

describe("metrics registry", () => {
  it("escapes label values and help text, and renders cumulative buckets", () => {
    const r = new Registry();
    r.add(new Counter("x_total", "Help with a \\ backslash\nand a newline.", ["k"])).inc(['quote " back \\ nl \n'], 2);
    const h = r.add(new Histogram("d_seconds", "Durations.", ["k"], [0.1, 1]));
    for (const v of [0.05, 0.5, 0.5, 5]) h.observe(["a"], v);
    const text = r.render();
    expect(text).toContain('x_total{k="quote \\" back \\\\ nl \\n"} 2');
    const m = parseExposition(text);
    checkHistograms(m);
    expect(valueOf(m, "d_seconds_bucket", { k: "a", le: "0.1" })).toBe(1);
    expect(valueOf(m, "d_seconds_bucket", { k: "a", le: "1" })).toBe(3);
    expect(valueOf(m, "d_seconds_bucket", { k: "a", le: "+Inf" })).toBe(4);
    expect(valueOf(m, "d_seconds_sum", { k: "a" })).toBe(6.05);
  });

  it("rejects a malformed exposition", () => {
    expect(() => parseExposition("# HELP a b\n# TYPE a counter\na{x=1} 2\n")).toThrow("invalid line");
    expect(() => parseExposition("a 1\n")).toThrow("invalid line");
    expect(() => parseExposition("# HELP a b\na 1\n")).toThrow("no TYPE");
  });
});
