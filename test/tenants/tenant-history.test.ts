/**
 * @module test/tenants/tenant-history
 * A delivery belongs to the tenant of its event, fixed when it was ingested:
 * when the config gives an endpoint another tenant, its earlier deliveries
 * stay the earlier tenant's, in every listing, read and retry, and the new
 * tenant sees only what came after.
 */
import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { configYaml } from "../helpers/relay";
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
    relay.reload(configYaml(relay.dir, configEndpoint("shared", rcv.url, { tenant: "bolt" })));
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
