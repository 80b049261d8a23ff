/**
 * @module test/tenants/tenant-token-rights
 * What a portal session's tenant token may do (interface.md §9): its own
 * endpoints, deliveries and events only, another tenant's objects answering
 * 404; the keys it may set; its config endpoints read and test only; single
 * and bulk retry over its own deliveries alone; everything else 403.
 *
 * On a config endpoint, PATCH, DELETE and rotate-secret answer 409
 * `managed_by_config` to a tenant as to an admin (nobody changes it over the
 * API: the YAML owns it), while enable and disable answer 403 (an admin
 * token may, a tenant's may not).
 */
import { describe, expect, it } from "bun:test";
import type { InProcessRelay } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";
import { waitFor } from "../helpers/wait";
import {
  ADMIN_TOKEN,
  call,
  configEndpoint,
  createEndpoint,
  expectJson,
  INGEST_TOKEN,
  ingestEvent,
  openSession,
  receiver,
  relayWith,
} from "./fixture";

const defer = deferCleanup();

const ids = (list: { items: { id: string }[] }) => list.items.map((e) => e.id);

/** A value for every key a tenant may set (interface.md §9), `word` marking them. */
const tenantKeys = (url: string, word: string): Record<string, unknown> => ({
  url,
  events: [`${word}.*`],
  filter: { "data.region": "eu" },
  description: word,
  metadata: { team: word },
  enabled: false,
  headers: { "X-Team": word },
});

/** acme and bolt, each with a config endpoint and API endpoints, one of which always fails; and one endpoint of no tenant. */
async function twoTenants(extra = "") {
  const rcv = { aCfg: receiver(defer), bCfg: receiver(defer), open: receiver(defer), bApi: receiver(defer) };
  const failing = () => receiver(defer, () => new Response("down", { status: 500 }));
  const relay = await relayWith(
    defer,
    [configEndpoint("a-cfg", rcv.aCfg.url, { tenant: "acme" }), configEndpoint("b-cfg", rcv.bCfg.url, { tenant: "bolt" }), configEndpoint("open", rcv.open.url)].join(
      "\n",
    ),
    { extra },
  );
  await createEndpoint(relay, { id: "a-api", url: receiver(defer).url, events: ["*"], tenant: "acme" });
  await createEndpoint(relay, { id: "a-fail", url: failing().url, events: ["*"], tenant: "acme", retry: ["0s"] });
  await createEndpoint(relay, { id: "b-api", url: rcv.bApi.url, events: ["*"], tenant: "bolt" });
  await createEndpoint(relay, { id: "b-fail", url: failing().url, events: ["*"], tenant: "bolt", retry: ["0s"] });
  const acme = await openSession(relay, "acme");
  return { relay, rcv, acme: acme.token };
}

const deliveriesOf = async (relay: InProcessRelay, query = "") =>
  (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/deliveries?limit=1000${query}`), 200)).items as {
    id: string;
    endpoint_id: string;
    status: string;
    attempts: number;
    updated_at: string;
  }[];

/** Ingests one event per tenant (and one of none), and waits until each delivery is delivered or failed. */
async function deliveredOnce(relay: InProcessRelay) {
  const events = {
    acme: await ingestEvent(relay, { type: "order.created", data: { who: "acme" }, tenant: "acme" }),
    bolt: await ingestEvent(relay, { type: "order.created", data: { who: "bolt" }, tenant: "bolt" }),
    none: await ingestEvent(relay, { type: "order.created", data: { who: "none" } }),
  };
  expect([events.acme.deliveries, events.bolt.deliveries, events.none.deliveries]).toEqual([3, 3, 1]);
  await waitFor("every delivery finished", async () => {
    const all = await deliveriesOf(relay);
    return all.length === 7 && all.every((d) => d.status === (d.endpoint_id.endsWith("-fail") ? "failed" : "delivered"));
  });
  return events;
}

describe("a tenant token", () => {
  it("creates endpoints of its own tenant only, setting only the keys a tenant may", async () => {
    const { relay, acme } = await twoTenants("endpoint_api:\n  max_per_tenant: 5");
    const url = receiver(defer).url;
    const own = await expectJson(call(relay, acme, "POST", "/v1/endpoints", { url, events: ["order.*"] }), 201);
    expect(own).toMatchObject({ tenant: "acme", source: "api", events: ["order.*"], secret: expect.stringMatching(/^whsec_/) });
    const named = await expectJson(call(relay, acme, "POST", "/v1/endpoints", { url, events: ["*"], tenant: "acme" }), 201);
    expect(named.tenant).toBe("acme");
    const all = tenantKeys(url, "orders");
    expect(await expectJson(call(relay, acme, "POST", "/v1/endpoints", all), 201)).toMatchObject({ description: "orders", state: "disabled", tenant: "acme" });

    const before = ids(await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints"), 200));
    const refused: Record<string, unknown>[] = [
      { tenant: "bolt" },
      { id: "acme-chosen" },
      { timeout: "5s" },
      { retry: ["0s"] },
      { signature: { scheme: "none" } },
      { envelope: { id: "id", type: "type", timestamp: "ts", data: "data" } },
      { rate_limit: "5/s" },
      { ordering: "fifo" },
      { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
      { secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] },
    ];
    for (const key of refused) {
      const err = await expectJson(call(relay, acme, "POST", "/v1/endpoints", { url, events: ["*"], ...key }), 403, JSON.stringify(key));
      expect(err.error.code).toBe("forbidden");
    }
    expect(ids(await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints"), 200))).toEqual(before);
    // acme has a-api and a-fail from the admin, and three of its own: the limit is 5.
    const err = await expectJson(call(relay, acme, "POST", "/v1/endpoints", { url, events: ["*"] }), 422);
    expect(err.error.code).toBe("limit_reached");
  });

  it("lists and reads only its tenant's endpoints; another's, or one of no tenant, is 404", async () => {
    const { relay, acme } = await twoTenants();
    const mine = ["a-api", "a-cfg", "a-fail"];
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/endpoints"), 200))).toEqual(mine);
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/endpoints?tenant=bolt"), 200))).toEqual(mine);
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/endpoints?source=config"), 200))).toEqual(["a-cfg"]);
    expect(ids(await expectJson(call(relay, acme, "GET", "/v1/endpoints?limit=1&cursor=a-api"), 200))).toEqual(["a-cfg"]);
    for (const id of mine) expect((await expectJson(call(relay, acme, "GET", `/v1/endpoints/${id}`), 200)).tenant).toBe("acme");
    const unknown = await expectJson(call(relay, acme, "GET", "/v1/endpoints/never-was"), 404);
    for (const id of ["b-api", "b-cfg", "b-fail", "open"]) {
      const err = await expectJson(call(relay, acme, "GET", `/v1/endpoints/${id}`), 404, id);
      // The same answer as for an id that never existed.
      expect(JSON.stringify(err).replaceAll(id, "never-was")).toBe(JSON.stringify(unknown));
    }
  });

  it("changes its API endpoints with the tenant keys only; its config endpoints are read and test only; another tenant's are 404", async () => {
    const { relay, rcv, acme } = await twoTenants();
    const url = receiver(defer).url;
    for (const [key, value] of Object.entries(tenantKeys(url, "changed"))) {
      await expectJson(call(relay, acme, "PATCH", "/v1/endpoints/a-api", { [key]: value }), 200, key);
    }
    const patched = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints/a-api"), 200);
    expect(patched).toMatchObject({ url, events: ["changed.*"], description: "changed", metadata: { team: "changed" }, state: "disabled" });
    const refused = { timeout: "5s", retry: ["0s"], signature: { scheme: "none" }, rate_limit: "5/s", ordering: "fifo", tenant: "bolt", id: "x", secret: "s" };
    for (const [key, value] of Object.entries(refused)) {
      await expectJson(call(relay, acme, "PATCH", "/v1/endpoints/a-api", { [key]: value }), 403, key);
    }
    expect(await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints/a-api"), 200)).toEqual(patched);

    // Its API endpoint: switch, rotate (to a generated secret only), delete.
    expect((await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-api/enable"), 200)).state).toBe("active");
    expect((await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-api/disable"), 200)).state).toBe("disabled");
    expect((await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-api/rotate-secret", {}), 200)).secret).toStartWith("whsec_");
    await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-api/rotate-secret", { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }), 403);

    // Its config endpoint: read and test; changes are the YAML's (409), switching an admin's (403).
    for (const [method, path, body] of [
      ["PATCH", "/v1/endpoints/a-cfg", { description: "x" }],
      ["DELETE", "/v1/endpoints/a-cfg"],
      ["POST", "/v1/endpoints/a-cfg/rotate-secret", {}],
    ] as const) {
      expect((await expectJson(call(relay, acme, method, path, body), 409, `${method} ${path}`)).error.code).toBe("managed_by_config");
    }
    await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-cfg/disable"), 403);
    await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-cfg/enable"), 403);
    const probe = await expectJson(call(relay, acme, "POST", "/v1/endpoints/a-cfg/test"), 200);
    await rcv.aCfg.waitForRequests(1);
    expect(JSON.parse(rcv.aCfg.requests[0]!.body).type).toBe("webhook.test");
    expect((await expectJson(call(relay, acme, "GET", `/v1/events/${probe.event_id}`), 200)).tenant).toBe("acme");

    // Another tenant's, or one of no tenant: 404 for every route, and nothing changes.
    const others = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints"), 200);
    for (const id of ["b-api", "b-cfg", "open"]) {
      for (const [method, path, body] of [
        ["PATCH", `/v1/endpoints/${id}`, { description: "x" }],
        ["DELETE", `/v1/endpoints/${id}`],
        ["POST", `/v1/endpoints/${id}/rotate-secret`, {}],
        ["POST", `/v1/endpoints/${id}/disable`],
        ["POST", `/v1/endpoints/${id}/enable`],
        ["POST", `/v1/endpoints/${id}/test`],
      ] as const) {
        expect((await expectJson(call(relay, acme, method, path, body), 404, `${method} ${path}`)).error.code).toBe("not_found");
      }
    }
    expect(await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints"), 200)).toEqual(others);
    expect(rcv.bApi.requests.length + rcv.bCfg.requests.length + rcv.open.requests.length).toBe(0);

    await expectJson(call(relay, acme, "DELETE", "/v1/endpoints/a-api"), 204);
    await expectJson(call(relay, acme, "GET", "/v1/endpoints/a-api"), 404);
  });

  it("reads only its tenant's deliveries and events, whatever the filters name", async () => {
    const { relay, acme } = await twoTenants();
    const events = await deliveredOnce(relay);
    const all = await deliveriesOf(relay);
    const mine = all.filter((d) => d.endpoint_id.startsWith("a-"));
    const theirs = all.filter((d) => !d.endpoint_id.startsWith("a-"));
    expect(mine).toHaveLength(3);
    const list = async (query: string) => ids(await expectJson(call(relay, acme, "GET", `/v1/deliveries${query}`), 200));
    expect(await list("")).toEqual(mine.map((d) => d.id));
    expect(await list("?tenant=bolt")).toEqual(mine.map((d) => d.id));
    expect(await list("?endpoint=b-fail")).toEqual([]);
    expect(await list("?endpoint=open")).toEqual([]);
    expect(await list("?status=failed")).toEqual(mine.filter((d) => d.status === "failed").map((d) => d.id));
    for (const d of mine) expect((await expectJson(call(relay, acme, "GET", `/v1/deliveries/${d.id}`), 200)).attempt_log).toHaveLength(1);
    for (const d of theirs) expect((await expectJson(call(relay, acme, "GET", `/v1/deliveries/${d.id}`), 404, d.id)).error.code).toBe("not_found");
    const event = await expectJson(call(relay, acme, "GET", `/v1/events/${events.acme.id}`), 200);
    expect(event.deliveries.map((d: { endpoint_id: string }) => d.endpoint_id).sort()).toEqual(["a-api", "a-cfg", "a-fail"]);
    await expectJson(call(relay, acme, "GET", `/v1/events/${events.bolt.id}`), 404);
    await expectJson(call(relay, acme, "GET", `/v1/events/${events.none.id}`), 404);
  });

  it("retries only its own deliveries, one at a time or in bulk", async () => {
    const { relay, acme } = await twoTenants();
    await deliveredOnce(relay);
    const before = await deliveriesOf(relay);
    const theirs = before.filter((d) => !d.endpoint_id.startsWith("a-"));
    const mineFailed = before.find((d) => d.endpoint_id === "a-fail")!;
    for (const d of theirs) await expectJson(call(relay, acme, "POST", `/v1/deliveries/${d.id}/retry`), 404, d.id);
    expect(await expectJson(call(relay, acme, "POST", "/v1/deliveries/retry", { status: "failed", endpoint: "b-fail" }), 200)).toEqual({
      retried: 0,
      next_cursor: null,
    });
    expect((await expectJson(call(relay, acme, "POST", "/v1/deliveries/retry", { status: "delivered", tenant: "bolt" }), 200)).retried).toBe(2);
    expect((await expectJson(call(relay, acme, "POST", "/v1/deliveries/retry", { status: "failed" }), 200)).retried).toBe(1);
    await waitFor("acme's failed delivery attempted again", async () => {
      const now = await deliveriesOf(relay);
      return now.find((d) => d.id === mineFailed.id)!.attempts === 2 && now.every((d) => d.status !== "pending" && d.status !== "in_flight");
    });
    expect((await expectJson(call(relay, acme, "POST", `/v1/deliveries/${mineFailed.id}/retry`), 200)).id).toBe(mineFailed.id);
    // Not one of the other tenants' deliveries, nor the one of no tenant, was touched.
    const after = await deliveriesOf(relay);
    for (const d of theirs) expect(after.find((a) => a.id === d.id)).toEqual(d);
  });

  it("may not ingest, cancel, or open and revoke portal sessions (403), and changes nothing trying", async () => {
    const { relay, acme } = await twoTenants();
    await deliveredOnce(relay);
    const [one] = await deliveriesOf(relay, "&endpoint=a-fail");
    const before = await deliveriesOf(relay);
    const refused: [string, string, unknown?][] = [
      ["POST", "/v1/events", { type: "order.created", data: {}, tenant: "acme", id: "from-a-tenant" }],
      ["POST", "/v1/events/batch", { events: [{ type: "order.created", data: {}, tenant: "acme", id: "from-a-tenant-2" }] }],
      ["POST", `/v1/deliveries/${one!.id}/cancel`],
      ["POST", "/v1/deliveries/cancel", { status: "pending" }],
      ["POST", "/v1/portal/sessions", { tenant: "acme" }],
      ["DELETE", "/v1/portal/sessions/ps_whatever"],
    ];
    for (const [method, path, body] of refused) {
      expect((await expectJson(call(relay, acme, method, path, body), 403, `${method} ${path}`)).error.code).toBe("forbidden");
    }
    await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/events/from-a-tenant"), 404);
    await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/events/from-a-tenant-2"), 404);
    expect(await deliveriesOf(relay)).toEqual(before);
    // The routes themselves work with the right token.
    await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", { type: "order.created", data: {}, tenant: "acme" }), 202);
  });
});
