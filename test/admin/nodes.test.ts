/** `GET /v1/nodes` on SQLite: the one node there is, as its heartbeat says. */
import { describe, expect, it } from "bun:test";
import { hostname } from "node:os";
import { VERSION } from "../../src/version";
import { adminJson, withRelay } from "./fixture";

describe("nodes", () => {
  it("lists the node itself from its start, and pages by id", async () => {
    await withRelay(
      () => "  []",
      async (relay) => {
        const list = await adminJson(relay, "GET", "/v1/nodes");
        expect(list.next_cursor).toBeNull();
        expect(list.items).toHaveLength(1);
        const [node] = list.items;
        expect(node).toMatchObject({ hostname: hostname(), version: VERSION, in_flight: 0 });
        expect(node.id).toMatch(/^node_[0-9a-z]{16}$/);
        expect(Date.parse(node.last_seen_at)).toBeGreaterThanOrEqual(Date.parse(node.started_at));
        expect(relay.logs.some((l) => l.includes(node.id))).toBe(true);
        expect(await adminJson(relay, "GET", `/v1/nodes?limit=1&cursor=${node.id}`)).toEqual({ items: [], next_cursor: null });
      },
    );
  });
});
