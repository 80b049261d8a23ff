/** @module test/unit/match-index — the fan-out index finds exactly the endpoints whose patterns match, per tenant, as matchesType says one by one. */
import { describe, expect, it } from "bun:test";
import type { EndpointConfig } from "../../src/config/types";
import { MatchIndex } from "../../src/endpoints/match-index";
import { matchesType } from "../../src/endpoints/matching";

const endpoint = (id: string, events: string[], tenant: string | null = null) => ({ id, events, tenant }) as unknown as EndpointConfig;

const PATTERNS = ["*", "a.*", "a.b.*", "a.b.c", "a", "b.*", "hookrelay.*", "hookrelay.endpoint.*", "hookrelay.delivery.failed", "a.b"];
const TYPES = ["a", "a.b", "a.b.c", "a.b.c.d", "b", "b.x", "c", "hookrelay.endpoint.disabled", "hookrelay.delivery.failed", "a."];

describe("the match index", () => {
  it("agrees with matchesType for every pattern set and type, own events included", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const index = new MatchIndex();
    const endpoints: EndpointConfig[] = [];
    for (let i = 0; i < 300; i++) {
      const events = PATTERNS.filter(() => random() < 0.2);
      const ep = endpoint(`ep${i}`, events.length ? events : ["c"]);
      endpoints.push(ep);
      index.add(ep);
    }
    for (const type of TYPES) {
      const expected = endpoints
        .filter((e) => matchesType(e.events, type))
        .map((e) => e.id)
        .sort();
      expect({ type, ids: index.candidates(null, type).map((e) => e.id) }).toEqual({ type, ids: expected });
    }
  });

  it("keeps tenants apart, and forgets removed and replaced endpoints", () => {
    const index = new MatchIndex();
    index.add(endpoint("a1", ["*"], "acme"));
    index.add(endpoint("g1", ["*"], "globex"));
    index.add(endpoint("n1", ["*"]));
    expect(index.candidates("acme", "x").map((e) => e.id)).toEqual(["a1"]);
    expect(index.candidates(null, "x").map((e) => e.id)).toEqual(["n1"]);
    expect(index.candidates("initech", "x")).toEqual([]);
    index.remove(endpoint("a1", ["*"], "acme"));
    index.add(endpoint("a1", ["y"], "acme"));
    expect(index.candidates("acme", "x")).toEqual([]);
    expect(index.candidates("acme", "y").map((e) => e.id)).toEqual(["a1"]);
    index.remove(endpoint("a1", ["y"], "acme"));
    expect(index.candidates("acme", "y")).toEqual([]);
  });
});
