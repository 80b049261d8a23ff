/** @module test/admin/count — GET /v1/deliveries/count: what a bulk action would select, counted first. */
import { describe, expect, it } from "bun:test";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, withRelay } from "./fixture";

describe("delivery count", () => {
  it("counts what each filter selects, as the listing and bulk retry see it", async () => {
    await withRelay(
      (rcv) => [endpoint("ok", rcv().url, `["*"]`), endpoint("down", rcv(() => new Response("no", { status: 500 })).url, `["a.*"]`, ["retry: [0s]"])].join("\n"),
      async (relay) => {
        for (let i = 0; i < 5; i++) await ingest(relay, i % 2 ? "b.thing" : "a.thing", { i });
        await waitFor("every delivery settled", async () => {
          const page = await adminJson(relay, "GET", "/v1/deliveries?limit=100");
          return page.items.length === 8 && page.items.every((d: { status: string }) => d.status === "delivered" || d.status === "failed");
        });
        const count = (q: string) => adminJson(relay, "GET", `/v1/deliveries/count${q}`);
        expect(await count("")).toEqual({ count: 8, capped: false });
        expect(await count("?status=failed")).toEqual({ count: 3, capped: false });
        expect(await count("?status=delivered&endpoint=ok")).toEqual({ count: 5, capped: false });
        expect(await count("?endpoint=ok&event_type=b.thing")).toEqual({ count: 2, capped: false });
        expect(await count("?until=1h")).toEqual({ count: 0, capped: false });
        const retried = await adminJson(relay, "POST", "/v1/deliveries/retry", { status: "failed" });
        expect(retried.retried).toBe(3);
        const bad = await adminJson(relay, "GET", "/v1/deliveries/count?status=lost", undefined, 400);
        expect(bad.error.code).toBe("invalid_query");
        const unknown = await adminJson(relay, "GET", "/v1/deliveries/count?limit=5", undefined, 400);
        expect(unknown.error.code).toBe("invalid_query");
      },
    );
  });
});
