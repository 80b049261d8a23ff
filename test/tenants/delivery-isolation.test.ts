/**
 * @module test/tenants/delivery-isolation
 * An event reaches an endpoint only when their tenants are equal (both absent
 * counts as equal), whatever the endpoints' patterns, for config and API
 * endpoints alike, one event or a batch (interface.md §9). Real receivers:
 * each is checked for exactly the events it got.
 */
import { describe, expect, it } from "bun:test";
import type { Receiver } from "../helpers/receiver";
import { deferCleanup } from "../helpers/cleanup";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, createEndpoint, expectJson, INGEST_TOKEN, ingestEvent, receiver, relayWith } from "./fixture";

const defer = deferCleanup();

const markersOf = (r: Receiver) => r.requests.map((q) => (JSON.parse(q.body) as { data: { marker: string } }).data.marker).sort();

/** Waits until every delivery the relay holds is delivered, so no request is still to come. */
async function allDelivered(relay: { url: string }, expected: number) {
  await waitFor(`${expected} deliveries delivered`, async () => {
    const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries?limit=1000"), 200);
    return page.items.length === expected && page.items.every((d: { status: string }) => d.status === "delivered");
  });
}

describe("tenant isolation of delivery", () => {
  it("delivers each event only to endpoints of its own tenant, even through \"*\" patterns, for single events and batches", async () => {
    const r = Object.fromEntries(["open", "aCfg", "bCfg", "aApi", "bApi", "cApi", "nApi"].map((k) => [k, receiver(defer)])) as Record<string, Receiver>;
    const relay = await relayWith(
      defer,
      [
        configEndpoint("open", r.open!.url),
        configEndpoint("a-cfg", r.aCfg!.url, { tenant: "acme" }),
        configEndpoint("b-cfg", r.bCfg!.url, { tenant: "bolt" }),
      ].join("\n"),
    );
    await createEndpoint(relay, { id: "a-api", url: r.aApi!.url, events: ["*"], tenant: "acme" });
    await createEndpoint(relay, { id: "b-api", url: r.bApi!.url, events: ["order.*"], tenant: "bolt" });
    await createEndpoint(relay, { id: "c-api", url: r.cApi!.url, events: ["*"], tenant: "cobalt:eu" });
    await createEndpoint(relay, { id: "n-api", url: r.nApi!.url, events: ["*"] });

    const sent = [
      await ingestEvent(relay, { type: "order.created", data: { marker: "m1" } }),
      await ingestEvent(relay, { type: "order.created", data: { marker: "m2" }, tenant: "acme" }),
      await ingestEvent(relay, { type: "order.paid", data: { marker: "m3" }, tenant: "bolt" }),
      await ingestEvent(relay, { type: "invoice.sent", data: { marker: "m4" }, tenant: "bolt" }),
      await ingestEvent(relay, { type: "order.created", data: { marker: "m5" }, tenant: "cobalt:eu" }),
      await ingestEvent(relay, { type: "order.created", data: { marker: "m6" }, tenant: "nobody" }),
    ];
    expect(sent.map((s) => s.deliveries)).toEqual([2, 2, 2, 1, 1, 0]);

    const batch = await expectJson(
      call(relay, INGEST_TOKEN, "POST", "/v1/events/batch", {
        events: [
          { type: "user.joined", data: { marker: "m7" }, tenant: "acme" },
          { type: "user.joined", data: { marker: "m8" } },
          { type: "user.joined", data: { marker: "m9" }, tenant: "cobalt:eu" },
          { type: "order.refunded", data: { marker: "m10" }, tenant: "bolt" },
        ],
      }),
      202,
    );
    expect(batch.deliveries).toBe(7);
    const narrowed = await ingestEvent(relay, { type: "user.left", data: { marker: "m11" }, tenant: "acme", endpoints: ["a-api"] });
    expect(narrowed.deliveries).toBe(1);

    // Each event's deliveries name exactly the endpoints of its tenant.
    const endpointsOf = async (id: string) =>
      (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${id}`), 200)).deliveries.map((d: { endpoint_id: string }) => d.endpoint_id).sort();
    expect(await endpointsOf(sent[0]!.id)).toEqual(["n-api", "open"]);
    expect(await endpointsOf(sent[1]!.id)).toEqual(["a-api", "a-cfg"]);
    expect(await endpointsOf(sent[2]!.id)).toEqual(["b-api", "b-cfg"]);
    expect(await endpointsOf(batch.ids[2])).toEqual(["c-api"]);

    await allDelivered(relay, 16);
    expect(markersOf(r.open!)).toEqual(["m1", "m8"]);
    expect(markersOf(r.nApi!)).toEqual(["m1", "m8"]);
    expect(markersOf(r.aCfg!)).toEqual(["m2", "m7"]);
    expect(markersOf(r.aApi!)).toEqual(["m11", "m2", "m7"]);
    expect(markersOf(r.bCfg!)).toEqual(["m10", "m3", "m4"]);
    expect(markersOf(r.bApi!)).toEqual(["m10", "m3"]);
    expect(markersOf(r.cApi!)).toEqual(["m5", "m9"]);
  });

  it("refuses with 422, storing nothing, an event that names an endpoint of another tenant", async () => {
    const relay = await relayWith(
      defer,
      [configEndpoint("open", receiver(defer).url), configEndpoint("b-cfg", receiver(defer).url, { tenant: "bolt" })].join("\n"),
    );
    await createEndpoint(relay, { id: "a-api", url: receiver(defer).url, events: ["*"], tenant: "acme" });
    const refused = [
      { id: "x1", type: "t.x", data: {}, tenant: "acme", endpoints: ["b-cfg"] },
      { id: "x2", type: "t.x", data: {}, tenant: "acme", endpoints: ["a-api", "b-cfg"] },
      { id: "x3", type: "t.x", data: {}, endpoints: ["a-api"] },
      { id: "x4", type: "t.x", data: {}, tenant: "bolt", endpoints: ["open"] },
    ];
    for (const body of refused) {
      const err = await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", body), 422, JSON.stringify(body));
      expect(err.error.code).toBe("unknown_endpoint");
      expect(err.error.details[0].field).toBe("/endpoints");
    }
    // A batch with one such event is refused whole.
    const err = await expectJson(
      call(relay, INGEST_TOKEN, "POST", "/v1/events/batch", {
        events: [
          { id: "x5", type: "t.x", data: {}, tenant: "acme", endpoints: ["a-api"] },
          { id: "x6", type: "t.x", data: {}, tenant: "acme", endpoints: ["b-cfg"] },
        ],
      }),
      422,
    );
    expect(err.error.details[0].field).toBe("/events/1/endpoints");
    for (const id of ["x1", "x2", "x3", "x4", "x5", "x6"]) await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${id}`), 404, id);
    const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries"), 200);
    expect(page.items).toEqual([]);
    // The same ids are fine within the tenant.
    expect((await ingestEvent(relay, { type: "t.x", data: {}, tenant: "bolt", endpoints: ["b-cfg"] })).deliveries).toBe(1);
    expect((await ingestEvent(relay, { type: "t.x", data: {}, endpoints: ["open"] })).deliveries).toBe(1);
  });

  it("takes an event id posted again for another tenant as a conflict (409), never as that tenant's duplicate", async () => {
    const relay = await relayWith(defer, configEndpoint("b-cfg", receiver(defer).url, { tenant: "bolt" }));
    const body = { id: "order-1", type: "order.created", data: { n: 1 } };
    await ingestEvent(relay, { ...body, tenant: "bolt" });
    for (const tenant of ["acme", undefined]) {
      const err = await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", { ...body, ...(tenant ? { tenant } : {}) }), 409, String(tenant));
      expect(err.error.code).toBe("id_conflict");
    }
    const again = await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", { ...body, tenant: "bolt" }), 200);
    expect(again).toEqual({ id: "order-1", duplicate: true });
  });

  it("sends hookrelay's own events about a tenant's endpoint to no tenant's endpoint", async () => {
    const ops = receiver(defer);
    const tenantOps = receiver(defer);
    const relay = await relayWith(defer, configEndpoint("ops", ops.url, { events: `["hookrelay.*"]` }));
    await createEndpoint(relay, { id: "a-ops", url: tenantOps.url, events: ["hookrelay.*"], tenant: "acme" });
    await createEndpoint(relay, { id: "b-api", url: receiver(defer).url, events: ["*"], tenant: "bolt" });
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints/b-api/disable"), 200);
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints/a-ops/disable"), 200);
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints/a-ops/enable"), 200);
    await allDelivered(relay, 3);
    expect(ops.requests.map((q) => JSON.parse(q.body).type)).toEqual(["hookrelay.endpoint.disabled", "hookrelay.endpoint.disabled", "hookrelay.endpoint.enabled"]);
    expect(tenantOps.requests).toEqual([]);
  });
});
