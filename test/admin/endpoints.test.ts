/** @module test/admin/endpoints — the endpoint routes against a real daemon and real receivers. */
import { describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import type { Receiver } from "../helpers/receiver";
import { configYaml } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, SECRET, withRelay } from "./fixture";

describe("admin endpoints", () => {
  it("lists configured endpoints with the Endpoint shape and never a secret", async () => {
    await withRelay(
      (rcv) =>
        [
          endpoint("alpha", rcv().url, `["order.*"]`, ["retry: { attempts: 3, initial: 1m, multiplier: 2 }", "timeout: 5s", "ordering: fifo"]),
          endpoint("beta", rcv().url, `["*"]`, ["signature: { scheme: hmac-sha256-hex, header: X-Sig }"]),
        ].join("\n"),
      async (relay) => {
        const res = await relay.admin("GET", "/v1/endpoints");
        const text = await res.text();
        expect(res.status).toBe(200);
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain("secret");
        const list = JSON.parse(text);
        expect(list.next_cursor).toBeNull();
        expect(list.items.map((e: { id: string }) => e.id)).toEqual(["alpha", "beta"]);
        expect(list.items[0]).toEqual({
          id: "alpha",
          source: "config",
          tenant: null,
          description: null,
          metadata: null,
          created_at: null,
          updated_at: null,
          url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/hook$/),
          events: ["order.*"],
          state: "active",
          consecutive_failures: 0,
          failing_since: null,
          last_success_at: null,
          disabled_reason: null,
          backlog: { pending: 0, held: 0, failed: 0, in_flight: 0 },
          signature: { scheme: "standard-webhooks", header: null },
          timeout_ms: 5000,
          retry: { delays_ms: [0, 60_000, 120_000], max_age_ms: null },
          ordering: "fifo",
        });
        expect(list.items[1].signature).toEqual({ scheme: "hmac-sha256-hex", header: "X-Sig" });
        expect(await adminJson(relay, "GET", "/v1/endpoints/beta")).toEqual(list.items[1]);
      },
    );
  });

  it("disable holds new deliveries; enable releases them and they are delivered", async () => {
    let receiver!: Receiver;
    await withRelay(
      (rcv) => endpoint("alpha", (receiver = rcv()).url, `["*"]`),
      async (relay) => {
        const disabled = await adminJson(relay, "POST", "/v1/endpoints/alpha/disable");
        expect(disabled.state).toBe("disabled");
        expect(disabled.disabled_reason).toBe("disabled by an operator");
        await ingest(relay, "order.created", { n: 1 });
        await ingest(relay, "order.created", { n: 2 });
        const held = await adminJson(relay, "GET", "/v1/endpoints/alpha");
        expect(held.backlog).toEqual({ pending: 0, held: 2, failed: 0, in_flight: 0 });
        // Disabling again is harmless and answers the same state.
        expect((await adminJson(relay, "POST", "/v1/endpoints/alpha/disable")).state).toBe("disabled");
        const enabled = await adminJson(relay, "POST", "/v1/endpoints/alpha/enable");
        expect(enabled.state).toBe("active");
        expect(enabled.disabled_reason).toBeNull();
        const got = await receiver.waitForRequests(2);
        expect(got.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 2]);
        await waitFor("last_success_at", async () => (await adminJson(relay, "GET", "/v1/endpoints/alpha")).last_success_at);
      },
    );
  });

  it("sends a signed webhook.test to that endpoint alone, even while disabled and not subscribed to it", async () => {
    let probed!: Receiver;
    let other!: Receiver;
    await withRelay(
      (rcv) => [endpoint("probed", (probed = rcv()).url, `["order.*"]`), endpoint("other", (other = rcv()).url, `["*"]`)].join("\n"),
      async (relay) => {
        await adminJson(relay, "POST", "/v1/endpoints/probed/disable");
        const sent = await adminJson(relay, "POST", "/v1/endpoints/probed/test");
        expect(sent).toEqual({ event_id: expect.any(String), delivery_id: expect.stringMatching(/^dlv_\d+$/) });
        const [req] = await probed.waitForRequests(1);
        const body = new Webhook(SECRET).verify(req!.body, req!.headers) as { type: string; data: Record<string, unknown> };
        expect(body.type).toBe("webhook.test");
        expect(body.data).toMatchObject({ test: true });
        const delivery = await waitFor("the test delivered", async () => {
          const d = await adminJson(relay, "GET", `/v1/deliveries/${sent.delivery_id}`);
          return d.status === "delivered" && d;
        });
        expect(delivery).toMatchObject({ event_id: sent.event_id, endpoint_id: "probed", event_type: "webhook.test" });
        const event = await adminJson(relay, "GET", `/v1/events/${sent.event_id}`);
        expect(event.deliveries.map((d: { endpoint_id: string }) => d.endpoint_id)).toEqual(["probed"]);
        expect(other.requests).toHaveLength(0);
      },
    );
  });

  it("keeps listing a removed endpoint, state removed, while it has a backlog", async () => {
    let stays = "";
    await withRelay(
      (rcv) => [(stays = endpoint("stays", rcv().url, `["*"]`)), endpoint("goes", rcv().url, `["*"]`)].join("\n"),
      async (relay) => {
        await adminJson(relay, "POST", "/v1/endpoints/goes/disable");
        await ingest(relay, "order.created");
        await relay.reload(configYaml(relay.dir, stays));
        const list = await adminJson(relay, "GET", "/v1/endpoints");
        const removed = list.items.find((e: { id: string }) => e.id === "goes");
        expect(removed).toMatchObject({ id: "goes", state: "removed", url: null, backlog: { held: 1 } });
        expect((await adminJson(relay, "GET", "/v1/endpoints/goes")).state).toBe("removed");
        // Removed endpoints cannot be probed or switched: they have no settings.
        await adminJson(relay, "POST", "/v1/endpoints/goes/test", undefined, 404);
        await adminJson(relay, "POST", "/v1/deliveries/cancel", { status: "held", endpoint: "goes" });
        const after = await adminJson(relay, "GET", "/v1/endpoints");
        expect(after.items.map((e: { id: string }) => e.id)).toEqual(["stays"]);
      },
    );
  });
});
