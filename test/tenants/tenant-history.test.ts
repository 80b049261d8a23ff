/**
 * @module test/tenants/tenant-history
 * A delivery belongs to the tenant of its event, fixed when it was ingested:
 * when the config gives an endpoint another tenant, its earlier deliveries
 * stay the earlier tenant's, in every listing, read and retry, and the new
 * tenant sees only what came after.
 */
import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, expectJson, ingestEvent, openSession, receiver, relayWith } from "./fixture";

const defer = deferCleanup();

const ids = (page: { items: { id: string }[] }) => page.items.map((d) => d.id);

describe("a config endpoint given another tenant", () => {
  it("keeps its earlier deliveries with the earlier tenant, and shows the new tenant only what came after", async () => {
    const rcv = receiver(defer);
    const relay = await relayWith(defer, configEndpoint("shared", rcv.url, { tenant: "acme" }));
    const early = await ingestEvent(relay, { type: "a.b", data: { who: "acme" }, tenant: "acme" });
    await rcv.waitForRequests(1);
    await relay.reload(configYaml(relay.dir, configEndpoint("shared", rcv.url, { tenant: "bolt" })));
    const late = await ingestEvent(relay, { type: "a.b", data: { who: "bolt" }, tenant: "bolt" });
    await rcv.waitForRequests(2);
    const all = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries"), 200);
    const [lateDelivery, earlyDelivery] = all.items as { id: string; event_id: string; tenant: string }[];
    expect([earlyDelivery!.event_id, lateDelivery!.event_id]).toEqual([early.id, late.id]);
    expect([earlyDelivery!.tenant, lateDelivery!.tenant]).toEqual(["acme", "bolt"]);
    expect(ids(await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries?tenant=acme"), 200))).toEqual([earlyDelivery!.id]);
    expect((await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${early.id}`), 200)).deliveries[0].tenant).toBe("acme");

    const acme = (await openSession(relay, "acme")).token;
    const bolt = (await openSession(relay, "bolt")).token;
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/deliveries"), 200))).toEqual([earlyDelivery!.id]);
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/deliveries?endpoint=shared"), 200))).toEqual([earlyDelivery!.id]);
    expect(ids(await expectJson(call(relay, bolt, "GET", "/v1/deliveries"), 200))).toEqual([lateDelivery!.id]);
    expect((await expectJson(call(relay, acme, "GET", `/v1/deliveries/${earlyDelivery!.id}`), 200)).attempt_log).toHaveLength(1);
    await expectJson(call(relay, acme, "GET", `/v1/deliveries/${lateDelivery!.id}`), 404);
    await expectJson(call(relay, bolt, "GET", `/v1/deliveries/${earlyDelivery!.id}`), 404);
    await expectJson(call(relay, bolt, "POST", `/v1/deliveries/${earlyDelivery!.id}/retry`), 404);
    await expectJson(call(relay, acme, "GET", `/v1/events/${early.id}`), 200);
    await expectJson(call(relay, bolt, "GET", `/v1/events/${early.id}`), 404);
    // bolt's bulk retry takes bolt's delivery alone.
    expect((await expectJson(call(relay, bolt, "POST", "/v1/deliveries/retry", { status: "delivered" }), 200)).retried).toBe(1);
    await rcv.waitForRequests(3);
    await waitFor("the retry delivered", async () => {
      const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries"), 200);
      return page.items.every((d: { status: string }) => d.status === "delivered");
    });
    expect(rcv.requests.map((r) => JSON.parse(r.body).data.who)).toEqual(["acme", "bolt", "bolt"]);
  });
});

describe("the backlog of a config endpoint given another tenant", () => {
  it("is cancelled, and its earlier deliveries are never sent again, to the endpoint as it is configured now", async () => {
    const acmeSide = receiver(defer);
    const boltSide = receiver(defer);
    const relay = await relayWith(defer, configEndpoint("shared", acmeSide.url, { tenant: "acme" }));
    const delivered = await ingestEvent(relay, { type: "a.b", data: { who: "acme" }, tenant: "acme" });
    await acmeSide.waitForRequests(1);
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints/shared/disable"), 200);
    const held = await ingestEvent(relay, { type: "a.b", data: { who: "acme" }, tenant: "acme" });
    await relay.reload(configYaml(relay.dir, configEndpoint("shared", boltSide.url, { tenant: "bolt" })));
    const deliveryOf = async (eventId: string) => (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${eventId}`), 200)).deliveries[0];
    expect((await deliveryOf(held.id)).status).toBe("cancelled");

    // Enabled again: nothing of acme's is released to bolt's receiver; bolt's own events go out.
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints/shared/enable"), 200);
    const own = await ingestEvent(relay, { type: "a.b", data: { who: "bolt" }, tenant: "bolt" });
    await boltSide.waitForRequests(1);
    const early = await deliveryOf(delivered.id);
    const err = await expectJson(call(relay, ADMIN_TOKEN, "POST", `/v1/deliveries/${early.id}/retry`), 409);
    expect(err.error.code).toBe("tenant_changed");
    expect((await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/deliveries/retry", { status: "delivered" }), 200)).retried).toBe(1);
    await boltSide.waitForRequests(2);
    await waitFor("every delivery finished", async () => {
      const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries"), 200);
      return page.items.every((d: { status: string }) => d.status === "delivered" || d.status === "cancelled");
    });
    expect(boltSide.requests.map((r) => JSON.parse(r.body).data.who)).toEqual(["bolt", "bolt"]);
    expect((await deliveryOf(own.id)).attempts).toBe(2);
    expect(acmeSide.requests).toHaveLength(1);
  });

  it("takes no more attempts of a delivery that was in flight when the tenant changed", async () => {
    let answer!: (r: Response) => void;
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    const acmeSide = receiver(defer, () => answered);
    const boltSide = receiver(defer);
    const relay = await relayWith(defer, configEndpoint("shared", acmeSide.url, { tenant: "acme", extra: ["retry: [0s, 0s, 0s]"] }));
    const sent = await ingestEvent(relay, { type: "a.b", data: { who: "acme" }, tenant: "acme" });
    await acmeSide.waitForRequests(1);
    await relay.reload(configYaml(relay.dir, configEndpoint("shared", boltSide.url, { tenant: "bolt", extra: ["retry: [0s, 0s, 0s]"] })));
    answer(new Response("down", { status: 500 }));
    const delivery = await waitFor("the attempt recorded", async () => {
      const d = (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${sent.id}`), 200)).deliveries[0];
      return ["cancelled", "delivered", "failed"].includes(d.status) && d;
    });
    expect([delivery.status, delivery.attempts]).toEqual(["cancelled", 1]);
    // bolt's own event is delivered, and is all bolt's receiver ever gets.
    await ingestEvent(relay, { type: "a.b", data: { who: "bolt" }, tenant: "bolt" });
    await boltSide.waitForRequests(1);
    expect(boltSide.requests.map((r) => JSON.parse(r.body).data.who)).toEqual(["bolt"]);
  });

  it("is cancelled when the tenant was changed while hookrelay was stopped", async () => {
    const tmp = tempDir();
    defer(() => tmp.remove());
    const rcv = receiver(defer);
    const first = await startRelay(configYaml(tmp.dir, configEndpoint("shared", rcv.url, { tenant: "acme", extra: ["enabled: false"] })), { dir: tmp.dir });
    const held = await ingestEvent(first, { type: "a.b", data: {}, tenant: "acme" });
    await first.stop();
    const second = await startRelay(configYaml(tmp.dir, configEndpoint("shared", rcv.url, { tenant: "bolt" })), { dir: tmp.dir });
    defer(() => second.stop());
    const event = await expectJson(call(second, ADMIN_TOKEN, "GET", `/v1/events/${held.id}`), 200);
    expect(event.deliveries.map((d: { status: string }) => d.status)).toEqual(["cancelled"]);
    expect(rcv.requests).toHaveLength(0);
  });
});
