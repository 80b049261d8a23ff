/**
 * Endpoints resolved with one SharedSettings hold equal settings as one
 * object: inherited ones are resolved once, their own ones are shared by
 * value, and what they resolve to is what each would get on its own.
 */
import { describe, expect, it } from "bun:test";
import { resolveEndpoint, SharedSettings } from "../../src/config/resolve";
import type { RawEndpoint, RawPolicy } from "../../src/config/schema";

const raw = (id: string, own: Partial<RawEndpoint> = {}) => ({ id, url: "https://example.com/hook", events: ["*"], ...own }) as RawEndpoint;

describe("shared settings", () => {
  it("resolves inherited settings once and shares equal settings of an endpoint's own", () => {
    const defaults: RawPolicy = { retry: ["1s", "1m"], timeout: "5s", headers: { "X-Team": "a" } };
    const shared = new SharedSettings();
    const a = resolveEndpoint(raw("a"), defaults, [], null, shared);
    const b = resolveEndpoint(raw("b"), defaults, [], null, shared);
    const c = resolveEndpoint(raw("c", { retry: ["1s", "1m"], rate_limit: "5/s" }), defaults, [], null, shared);
    const d = resolveEndpoint(raw("d", { retry: ["2s"], headers: { "X-Own": "d" } }), defaults, [], null, shared);
    expect(b.retry).toBe(a.retry);
    expect(b.headers).toBe(a.headers);
    expect(c.retry).toBe(a.retry);
    expect(d.retry).not.toBe(a.retry);
    for (const [endpoint, own] of [[a, raw("a")], [c, raw("c", { retry: ["1s", "1m"], rate_limit: "5/s" })], [d, raw("d", { retry: ["2s"], headers: { "X-Own": "d" } })]] as const) {
      expect(endpoint).toEqual(resolveEndpoint(own, defaults, [], null));
    }
    expect(d.headers).toEqual({ "X-Team": "a", "X-Own": "d" });
    expect(c.rateLimit).toEqual({ count: 5, perMs: 1_000 });
    expect(a.rateLimit).toBeNull();
  });

  it("resolves inherited settings afresh for other defaults", () => {
    const first = resolveEndpoint(raw("a"), { timeout: "5s" }, [], null, new SharedSettings());
    const second = resolveEndpoint(raw("a"), { timeout: "9s" }, [], null, new SharedSettings());
    expect([first.timeoutMs, second.timeoutMs]).toEqual([5_000, 9_000]);
  });
});
