/** @module test/stats/stats-api — GET /v1/stats and /v1/endpoints/:id/stats against a real relay and receivers. */
import { describe, expect, it } from "bun:test";
import { INGEST_TOKEN } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, withRelay } from "../admin/fixture";

describe("stats API", () => {
  it("counts attempts by result, deliveries by outcome and latency, per endpoint and for the relay", async () => {
    await withRelay(
      (rcv) =>
        [
          endpoint("ok", rcv().url, `["*"]`),
          endpoint("down", rcv(() => new Response("no", { status: 500 })).url, `["a.*"]`, ["retry: [0s, 0s]"]),
        ].join("\n"),
      async (relay) => {
        for (let i = 0; i < 4; i++) await ingest(relay, "a.thing", { i });
        // 4 delivered to "ok" in one attempt each; 4 to "down", each failed after 2 attempts.
        await waitFor("every delivery settled", async () => {
          const page = await adminJson(relay, "GET", "/v1/deliveries?limit=100");
          return page.items.length === 8 && page.items.every((d: { status: string }) => d.status === "delivered" || d.status === "failed");
        });

        const ok = await adminJson(relay, "GET", "/v1/endpoints/ok/stats?window=1h");
        expect(ok).toMatchObject({ window: "1h", step_seconds: 60, attempts: 4, delivered: 4, failed: 0, success_rate: 1 });
        expect(ok.by_result).toEqual({ success: 4, http_error: 0, timeout: 0, network: 0, blocked: 0 });
        expect(ok.latency_ms.p50).toBeGreaterThanOrEqual(0);
        expect(ok.latency_ms.p99).toBeGreaterThanOrEqual(ok.latency_ms.p50);
        expect(ok.series).toHaveLength(60);
        expect(ok.series.reduce((n: number, p: { attempts: number }) => n + p.attempts, 0)).toBe(4);
        expect(ok.backlog).toEqual({ pending: 0, in_flight: 0, held: 0, failed: 0 });
        expect(ok.oldest_pending_at).toBeNull();

        const down = await adminJson(relay, "GET", "/v1/endpoints/down/stats?window=1h");
        expect(down).toMatchObject({ attempts: 8, delivered: 0, failed: 4, success_rate: 0 });
        expect(down.by_result.http_error).toBe(8);
        expect(down.series.reduce((n: number, p: { failures: number }) => n + p.failures, 0)).toBe(8);
        expect(down.backlog.failed).toBe(4);

        const relayWide = await adminJson(relay, "GET", "/v1/stats?window=1h");
        expect(relayWide).toMatchObject({ attempts: 12, delivered: 4, failed: 4, success_rate: 4 / 12 });
        expect(relayWide.by_result).toEqual({ success: 4, http_error: 8, timeout: 0, network: 0, blocked: 0 });
        expect(relayWide.backlog.failed).toBe(4);

        // The default window is a day in five-minute buckets; the week is in hours.
        const day = await adminJson(relay, "GET", "/v1/stats");
        expect(day).toMatchObject({ window: "24h", step_seconds: 300, attempts: 12 });
        expect(day.series).toHaveLength(288);
        const week = await adminJson(relay, "GET", "/v1/stats?window=7d");
        expect(week).toMatchObject({ step_seconds: 3600, attempts: 12 });
        expect(week.series).toHaveLength(168);
        expect(Date.parse(week.series.at(-1).at)).toBeLessThanOrEqual(Date.now());
        expect(Date.parse(week.to)).toBeGreaterThan(Date.now());
      },
    );
  });

  it("answers the backlog and the oldest waiting delivery as they are now", async () => {
    await withRelay(
      (rcv) => endpoint("later", rcv().url, `["*"]`, ["retry: [1h]"]),
      async (relay) => {
        await ingest(relay, "x.y");
        const s = await adminJson(relay, "GET", "/v1/endpoints/later/stats");
        expect(s.attempts).toBe(0);
        expect(s.success_rate).toBeNull();
        expect(s.latency_ms).toEqual({ p50: null, p95: null, p99: null });
        expect(s.backlog.pending).toBe(1);
        expect(Date.parse(s.oldest_pending_at)).toBeLessThanOrEqual(Date.now());
        expect((await adminJson(relay, "GET", "/v1/stats")).backlog.pending).toBe(1);
      },
    );
  });

  it("refuses an unknown window and an unknown endpoint, and needs the admin token", async () => {
    await withRelay(
      (rcv) => endpoint("ok", rcv().url, `["*"]`),
      async (relay) => {
        const bad = await adminJson(relay, "GET", "/v1/stats?window=2h", undefined, 400);
        expect(bad.error.code).toBe("invalid_query");
        expect(bad.error.message).toContain("window");
        const missing = await adminJson(relay, "GET", "/v1/endpoints/nope/stats", undefined, 404);
        expect(missing.error.code).toBe("not_found");
        const ingestToken = await fetch(`${relay.url}/v1/stats`, { headers: { authorization: `Bearer ${INGEST_TOKEN}` } });
        expect(ingestToken.status).toBe(401);
        const anonymous = await fetch(`${relay.url}/v1/stats`);
        expect(anonymous.status).toBe(401);
      },
    );
  });
});
