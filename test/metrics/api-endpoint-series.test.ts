/**
 * @module test/metrics/api-endpoint-series
 * Metric series stay bounded with endpoints created over the API (interface.md
 * §9): attempts, durations, deliveries and backlog of every API endpoint are
 * summed into series with `endpoint=""`, never labelled with their ids, while
 * config endpoints keep series of their own.
 */
import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, createEndpoint, expectJson, ingestEvent, openSession, receiver, relayWith } from "../tenants/fixture";
import { checkHistograms, parseExposition, valueOf } from "./exposition";

const defer = deferCleanup();

const PER_ENDPOINT = ["hookrelay_attempts_total", "hookrelay_attempt_duration_seconds", "hookrelay_deliveries_total", "hookrelay_backlog"];

async function scrape(url: string) {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const families = parseExposition(text);
  checkHistograms(families);
  return { text, families };
}

/** Every `endpoint` label value of the per-endpoint families. */
function endpointLabels(families: ReturnType<typeof parseExposition>): string[] {
  const labels = new Set<string>();
  for (const name of PER_ENDPOINT) for (const s of families.get(name)?.samples ?? []) labels.add(s.labels.endpoint!);
  return [...labels].sort();
}

describe("metrics with API endpoints", () => {
  it('sums every API endpoint into endpoint="" series and keeps one series per config endpoint', async () => {
    const ok = () => receiver(defer).url;
    const failing = () => receiver(defer, () => new Response("no", { status: 500 })).url;
    const relay = await relayWith(defer, [configEndpoint("cfg-ok", ok()), configEndpoint("cfg-bad", failing(), { extra: ["retry: [0s, 0s]"] })].join("\n"));
    const api = [
      await createEndpoint(relay, { id: "api-zq-ok-1", url: ok(), events: ["*"] }),
      await createEndpoint(relay, { id: "api-zq-ok-2", url: ok(), events: ["*"] }),
      await createEndpoint(relay, { id: "api-zq-bad", url: failing(), events: ["*"], retry: ["0s", "0s"] }),
      await createEndpoint(relay, { id: "api-zq-wait", url: ok(), events: ["*"], retry: ["1h"] }),
      await createEndpoint(relay, { id: "api-zq-off", url: ok(), events: ["*"], enabled: false }),
    ];
    const session = await openSession(relay, "acme");
    api.push(await expectJson(call(relay, session.token, "POST", "/v1/endpoints", { url: ok(), events: ["*"] }), 201));
    for (let i = 0; i < 2; i++) expect((await ingestEvent(relay, { type: "order.created", data: { i } })).deliveries).toBe(7);
    expect((await ingestEvent(relay, { type: "order.created", data: {}, tenant: "acme" })).deliveries).toBe(1);

    const m = await waitFor("every attempt made", async () => {
      const { families } = await scrape(relay.url);
      const done =
        valueOf(families, "hookrelay_deliveries_total", { endpoint: "", outcome: "delivered" }) === 5 &&
        valueOf(families, "hookrelay_deliveries_total", { endpoint: "", outcome: "failed" }) === 2 &&
        valueOf(families, "hookrelay_deliveries_total", { endpoint: "cfg-ok", outcome: "delivered" }) === 2 &&
        valueOf(families, "hookrelay_deliveries_total", { endpoint: "cfg-bad", outcome: "failed" }) === 2;
      return done ? families : null;
    });
    expect(endpointLabels(m)).toEqual(["", "cfg-bad", "cfg-ok"]);
    expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "", result: "success" })).toBe(5);
    expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "", result: "http_error" })).toBe(4);
    expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "cfg-ok", result: "success" })).toBe(2);
    expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "cfg-bad", result: "http_error" })).toBe(4);
    expect(valueOf(m, "hookrelay_attempt_duration_seconds_count", { endpoint: "" })).toBe(9);
    expect(valueOf(m, "hookrelay_attempt_duration_seconds_count", { endpoint: "cfg-bad" })).toBe(4);
    expect(valueOf(m, "hookrelay_backlog", { endpoint: "", status: "pending" })).toBe(2);
    expect(valueOf(m, "hookrelay_backlog", { endpoint: "", status: "held" })).toBe(2);
    expect(valueOf(m, "hookrelay_backlog", { endpoint: "", status: "failed" })).toBe(2);
    expect(valueOf(m, "hookrelay_backlog", { endpoint: "cfg-bad", status: "failed" })).toBe(2);
    expect(valueOf(m, "hookrelay_backlog", { endpoint: "cfg-ok", status: "pending" })).toBe(0);
    // Per-endpoint age and state are config endpoints' only.
    for (const name of ["hookrelay_oldest_pending_age_seconds", "hookrelay_endpoint_enabled"]) {
      expect(m.get(name)!.samples.map((s) => s.labels.endpoint).sort()).toEqual(["cfg-bad", "cfg-ok"]);
    }
    const { text } = await scrape(relay.url);
    for (const e of api) expect({ id: e.id, named: text.includes(e.id) }).toEqual({ id: e.id, named: false });
  });

  it('keeps reporting the failed deliveries of deleted API endpoints in endpoint="" series', async () => {
    const relay = await relayWith(defer, configEndpoint("cfg-ok", receiver(defer).url));
    const failing = receiver(defer, () => new Response("no", { status: 500 })).url;
    await createEndpoint(relay, { id: "api-zq-bad", url: failing, events: ["*"], retry: ["0s"] });
    await createEndpoint(relay, { id: "api-zq-wait", url: receiver(defer).url, events: ["*"], retry: ["1h"] });
    await ingestEvent(relay, { type: "order.created", data: {} });
    await waitFor("the failed delivery", async () => valueOf((await scrape(relay.url)).families, "hookrelay_backlog", { endpoint: "", status: "failed" }) === 1);
    for (const id of ["api-zq-bad", "api-zq-wait"]) await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/endpoints/${id}`), 204);
    const { families, text } = await scrape(relay.url);
    expect(valueOf(families, "hookrelay_backlog", { endpoint: "", status: "failed" })).toBe(1);
    expect(valueOf(families, "hookrelay_backlog", { endpoint: "", status: "pending" })).toBe(0);
    expect(valueOf(families, "hookrelay_deliveries_total", { endpoint: "", outcome: "failed" })).toBe(1);
    expect(text).not.toContain("api-zq");
  });
});
