/**
 * @module test/admin/operational-events
 * hookrelay.endpoint.disabled / .enabled and hookrelay.delivery.failed go
 * through the normal pipeline to endpoints that name them, with the §8 data
 * shapes, and never to "*" subscribers.
 */
import { describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import type { Receiver } from "../helpers/receiver";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, SECRET, withRelay } from "./fixture";

interface Envelope {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const received = (r: Receiver): Envelope[] => r.requests.map((q) => new Webhook(SECRET).verify(q.body, q.headers) as Envelope);
const ofType = (r: Receiver, type: string) => received(r).filter((e) => e.type === type);

describe("operational events", () => {
  it("announces dead letters, auto-disable and enable to hookrelay.* subscribers only", async () => {
    let ops!: Receiver;
    let everything!: Receiver;
    await withRelay(
      (rcv) =>
        [
          endpoint("ops", (ops = rcv()).url, `["hookrelay.*"]`),
          endpoint("everything", (everything = rcv()).url, `["*"]`),
          endpoint("broken", rcv(() => new Response("down", { status: 500 })).url, `["order.*"]`, ["retry: [0s]", "disable_after: 1"]),
        ].join("\n"),
      async (relay) => {
        const eventId = await ingest(relay, "order.created", { n: 1 });
        await waitFor("dead letter and disable announced", () =>
          ofType(ops, "hookrelay.delivery.failed").length === 1 && ofType(ops, "hookrelay.endpoint.disabled").length === 1,
        );
        const [failed] = (await adminJson(relay, "GET", "/v1/deliveries?endpoint=broken")).items;
        expect(ofType(ops, "hookrelay.delivery.failed")[0]!.data).toEqual({
          delivery_id: failed.id,
          event_id: eventId,
          event_type: "order.created",
          endpoint_id: "broken",
          attempts: 1,
          last_status_code: 500,
          last_error: expect.any(String),
        });
        const disabled = ofType(ops, "hookrelay.endpoint.disabled")[0]!.data;
        expect(disabled).toEqual({
          endpoint_id: "broken",
          reason: "1 consecutive failed attempts",
          consecutive_failures: 1,
          failing_since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        });
        expect((await adminJson(relay, "GET", "/v1/endpoints/broken")).state).toBe("auto_disabled");

        await adminJson(relay, "POST", "/v1/endpoints/broken/enable");
        await waitFor("enable announced", () => ofType(ops, "hookrelay.endpoint.enabled").length === 1);
        expect(ofType(ops, "hookrelay.endpoint.enabled")[0]!.data).toEqual({ endpoint_id: "broken" });

        // The "*" endpoint got the application event and nothing of hookrelay's own.
        await everything.waitForRequests(1);
        expect(received(everything).map((e) => e.type)).toEqual(["order.created"]);
        expect(received(ops).every((e) => e.type.startsWith("hookrelay."))).toBe(true);
        // Operational events are stored events like any other, visible through the API.
        const announced = await adminJson(relay, "GET", `/v1/events/${ofType(ops, "hookrelay.endpoint.enabled")[0]!.id}`);
        expect(announced.type).toBe("hookrelay.endpoint.enabled");
      },
    );
  });

  it("announces an operator's disable with its reason", async () => {
    let ops!: Receiver;
    await withRelay(
      (rcv) => [endpoint("ops", (ops = rcv()).url, `["hookrelay.endpoint.disabled"]`), endpoint("target", rcv().url, `["*"]`)].join("\n"),
      async (relay) => {
        await adminJson(relay, "POST", "/v1/endpoints/target/disable");
        await ops.waitForRequests(1);
        expect(received(ops)[0]).toMatchObject({
          type: "hookrelay.endpoint.disabled",
          data: { endpoint_id: "target", reason: "disabled by an operator", consecutive_failures: 0, failing_since: null },
        });
        await adminJson(relay, "POST", "/v1/endpoints/target/enable");
        // Subscribed to the disabled event alone: the enable is not sent here.
        await waitFor("the enable stored", async () => (await adminJson(relay, "GET", "/v1/endpoints/target")).state === "active");
        expect(received(ops).map((e) => e.type)).toEqual(["hookrelay.endpoint.disabled"]);
      },
    );
  });
});
