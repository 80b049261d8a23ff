/** @module test/admin/retry-cancel — single and bulk retry and cancel, against real receivers. */
import { describe, expect, it } from "bun:test";
import type { Receiver } from "../helpers/receiver";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, withRelay } from "./fixture";

const statuses = async (relay: Parameters<typeof adminJson>[0], query = "") =>
  (await adminJson(relay, "GET", `/v1/deliveries?limit=1000${query}`)).items.map((d: { status: string }) => d.status);

describe("retry and cancel", () => {
  it("bulk-retries every failed delivery, over more rows than one page, once the receiver recovers", async () => {
    let receiver!: Receiver;
    let healthy = false;
    const COUNT = 620;
    await withRelay(
      (rcv) => endpoint("ep", (receiver = rcv(() => new Response(null, { status: healthy ? 204 : 500 }))).url, `["*"]`, ["retry: [0s]", "max_in_flight: 32"]),
      async (relay) => {
        const res = await relay.post("/v1/events/batch", { events: Array.from({ length: COUNT }, (_, i) => ({ type: "a.b", data: { i } })) });
        expect(res.status).toBe(202);
        await waitFor("all failed", async () => (await statuses(relay, "&status=failed")).length === COUNT, 20_000);
        healthy = true;
        // With a limit the walk stops early and says where to continue (how the CLI shows progress).
        const first = await adminJson(relay, "POST", "/v1/deliveries/retry", { status: "failed", limit: 100 });
        expect(first).toEqual({ retried: 100, next_cursor: expect.any(String) });
        const rest = await adminJson(relay, "POST", "/v1/deliveries/retry", { status: "failed", endpoint: "ep", since: "1h", cursor: first.next_cursor });
        expect(rest).toEqual({ retried: COUNT - 100, next_cursor: null });
        await waitFor("all delivered", async () => (await statuses(relay, "&status=delivered")).length === COUNT, 20_000);
        expect(receiver.requests).toHaveLength(2 * COUNT);
        expect(await adminJson(relay, "POST", "/v1/deliveries/retry", { status: "failed" })).toEqual({ retried: 0, next_cursor: null });
      },
    );
  });

  it("holds a retried delivery whose endpoint is disabled, and sends it on enable", async () => {
    let receiver!: Receiver;
    await withRelay(
      (rcv) => endpoint("ep", (receiver = rcv()).url, `["*"]`),
      async (relay) => {
        await ingest(relay, "a.b");
        await receiver.waitForRequests(1);
        const [delivered] = (await adminJson(relay, "GET", "/v1/deliveries")).items;
        await waitFor("delivered", async () => (await adminJson(relay, "GET", `/v1/deliveries/${delivered.id}`)).status === "delivered");
        await adminJson(relay, "POST", "/v1/endpoints/ep/disable");
        expect((await adminJson(relay, "POST", `/v1/deliveries/${delivered.id}/retry`)).status).toBe("held");
        // Held is not a state a retry starts from.
        await adminJson(relay, "POST", `/v1/deliveries/${delivered.id}/retry`, undefined, 409);
        await adminJson(relay, "POST", "/v1/endpoints/ep/enable");
        await receiver.waitForRequests(2);
        await waitFor("delivered again", async () => (await adminJson(relay, "GET", `/v1/deliveries/${delivered.id}`)).attempts === 2);
      },
    );
  });

  it("cancels pending and held deliveries one by one or in bulk, and nothing else", async () => {
    await withRelay(
      (rcv) => [endpoint("slow", rcv().url, `["*"]`, ["retry: [1h]"]), endpoint("off", rcv().url, `["*"]`, ["enabled: false"])].join("\n"),
      async (relay) => {
        for (let i = 0; i < 3; i++) await ingest(relay, "a.b", { i });
        expect((await statuses(relay, "&endpoint=slow")).sort()).toEqual(["pending", "pending", "pending"]);
        expect(await statuses(relay, "&endpoint=off")).toEqual(["held", "held", "held"]);
        const [one] = (await adminJson(relay, "GET", "/v1/deliveries?endpoint=slow&limit=1")).items;
        expect(await adminJson(relay, "POST", `/v1/deliveries/${one.id}/cancel`)).toMatchObject({ id: one.id, status: "cancelled", next_attempt_at: null });
        await adminJson(relay, "POST", `/v1/deliveries/${one.id}/cancel`, undefined, 409);
        await adminJson(relay, "POST", `/v1/deliveries/${one.id}/retry`, undefined, 409);
        expect(await adminJson(relay, "POST", "/v1/deliveries/cancel", { status: "held", endpoint: "off" })).toEqual({ cancelled: 3, next_cursor: null });
        expect(await adminJson(relay, "POST", "/v1/deliveries/cancel", { status: "pending" })).toEqual({ cancelled: 2, next_cursor: null });
        expect(new Set(await statuses(relay))).toEqual(new Set(["cancelled"]));
      },
    );
  });
});
