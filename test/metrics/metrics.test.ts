/** @module test/metrics/metrics — /metrics parsed strictly, watched while real deliveries happen. */
import { describe, expect, it } from "bun:test";
import { VERSION } from "../../src/version";
import { adminJson, endpoint, ingest, withRelay } from "../admin/fixture";
import { configYaml } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { checkHistograms, parseExposition, valueOf } from "./exposition";

const CONTRACT_NAMES = [
  "hookrelay_events_ingested_total",
  "hookrelay_attempts_total",
  "hookrelay_attempt_duration_seconds",
  "hookrelay_deliveries_total",
  "hookrelay_backlog",
  "hookrelay_oldest_pending_age_seconds",
  "hookrelay_endpoint_enabled",
  "hookrelay_config_last_reload_successful",
  "hookrelay_build_info",
  "hookrelay_node_info",
  "hookrelay_node_housekeeper",
  "hookrelay_job_errors_total",
];

async function scrape(url: string) {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  const families = parseExposition(await res.text());
  checkHistograms(families);
  return families;
}

describe("metrics", () => {
  it("exposes every contract metric, without a token, in valid text format", async () => {
    await withRelay(
      (rcv) => endpoint("ep", rcv().url, `["*"]`),
      async (relay) => {
        const m = await scrape(relay.url);
        expect([...m.keys()]).toEqual(CONTRACT_NAMES);
        for (const name of CONTRACT_NAMES) {
          expect(name).toStartWith("hookrelay_");
          if (m.get(name)!.type === "counter") expect(name).toEndWith("_total");
        }
        expect(m.get("hookrelay_attempt_duration_seconds")!.type).toBe("histogram");
        expect(valueOf(m, "hookrelay_build_info", { version: VERSION })).toBe(1);
        expect(valueOf(m, "hookrelay_config_last_reload_successful")).toBe(1);
        expect(valueOf(m, "hookrelay_endpoint_enabled", { endpoint: "ep" })).toBe(1);
        expect(valueOf(m, "hookrelay_backlog", { endpoint: "ep", status: "pending" })).toBe(0);
      },
    );
  });

  it("moves counters, histogram and gauges with real deliveries, failures, holds and reloads", async () => {
    let endpoints = "";
    await withRelay(
      (rcv) =>
        (endpoints = [
          endpoint("good", rcv().url, `["*"]`),
          endpoint("bad", rcv(() => new Response("no", { status: 500 })).url, `["*"]`, ["retry: [0s, 0s]"]),
          endpoint("slow", rcv().url, `["*"]`, ["retry: [1h]"]),
        ].join("\n")),
      async (relay) => {
        for (let i = 0; i < 3; i++) await ingest(relay, "a.b", { i });
        await waitFor("good delivered and bad failed", async () => {
          const m = await scrape(relay.url);
          return (
            valueOf(m, "hookrelay_deliveries_total", { endpoint: "good", outcome: "delivered" }) === 3 &&
            valueOf(m, "hookrelay_deliveries_total", { endpoint: "bad", outcome: "failed" }) === 3
          );
        });
        let m = await scrape(relay.url);
        expect(valueOf(m, "hookrelay_events_ingested_total")).toBe(3);
        expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "good", result: "success" })).toBe(3);
        expect(valueOf(m, "hookrelay_attempts_total", { endpoint: "bad", result: "http_error" })).toBe(6);
        expect(valueOf(m, "hookrelay_attempt_duration_seconds_count", { endpoint: "bad" })).toBe(6);
        expect(valueOf(m, "hookrelay_backlog", { endpoint: "bad", status: "failed" })).toBe(3);
        expect(valueOf(m, "hookrelay_backlog", { endpoint: "slow", status: "pending" })).toBe(3);
        expect(valueOf(m, "hookrelay_oldest_pending_age_seconds", { endpoint: "slow" })).toBeGreaterThanOrEqual(0);
        expect(valueOf(m, "hookrelay_oldest_pending_age_seconds", { endpoint: "good" })).toBe(0);

        await adminJson(relay, "POST", "/v1/endpoints/slow/disable");
        m = await scrape(relay.url);
        expect(valueOf(m, "hookrelay_endpoint_enabled", { endpoint: "slow" })).toBe(0);
        expect(valueOf(m, "hookrelay_backlog", { endpoint: "slow", status: "held" })).toBe(3);
        expect(valueOf(m, "hookrelay_backlog", { endpoint: "slow", status: "pending" })).toBe(0);

        relay.daemon.metrics.configReloaded(false);
        relay.daemon.metrics.jobFailed("retention");
        m = await scrape(relay.url);
        expect(valueOf(m, "hookrelay_config_last_reload_successful")).toBe(0);
        expect(valueOf(m, "hookrelay_job_errors_total", { job: "retention" })).toBe(1);
        await relay.reload(configYaml(relay.dir, endpoints));
        m = await scrape(relay.url);
        expect(valueOf(m, "hookrelay_config_last_reload_successful")).toBe(1);
      },
    );
  });
});
