/**
 * @module test/unit/ui-endpoint-form
 * The dashboard's endpoint form as API bodies: a create body of what was
 * filled in, a merge patch of what changed (null for an emptied key), a
 * tenant's bodies holding only keys a tenant may set, durations written the
 * way the config reads them back, and tenants' overviews added up.
 */
import { describe, expect, it } from "bun:test";
import { TENANT_KEYS } from "../../src/admin/endpoint-writes";
import { parseDuration } from "../../src/config/duration";
import { createBody, EMPTY_FORM, type FormValues, patchBody, valuesOf } from "../../src/ui/lib/endpoint-form";
import { durationText } from "../../src/ui/lib/format";
import { sumStats } from "../../src/ui/lib/stats-sum";
import type { Endpoint, Stats } from "../../src/ui/lib/types";

const FULL: FormValues = {
  id: "ep-1",
  tenant: "acme",
  url: " https://hooks.example.com/in ",
  events: "order.created,  order.*\nuser.*",
  description: "Orders",
  scheme: "timestamped",
  header: "X-Sig",
  timeout: "10s",
  retry: "0s, 1m,10m",
};

const endpoint: Endpoint = {
  id: "ep-1",
  url: "https://hooks.example.com/in",
  events: ["order.created", "order.*"],
  state: "active",
  consecutive_failures: 0,
  failing_since: null,
  last_success_at: null,
  disabled_reason: null,
  backlog: { pending: 0, held: 0, failed: 0, in_flight: 0 },
  signature: { scheme: "standard-webhooks", header: null },
  timeout_ms: 30_000,
  retry: { delays_ms: [0, 5_000, 300_000], max_age_ms: null },
  ordering: "none",
  source: "api",
  tenant: "acme",
  description: null,
  metadata: null,
  created_at: null,
  updated_at: null,
};

describe("the endpoint form's bodies", () => {
  it("creates with what was filled in, trimmed and split, and for a tenant only the keys a tenant may set", () => {
    expect(createBody(FULL, true)).toEqual({
      url: "https://hooks.example.com/in",
      events: ["order.created", "order.*", "user.*"],
      description: "Orders",
      id: "ep-1",
      tenant: "acme",
      signature: { scheme: "timestamped", header: "X-Sig" },
      timeout: "10s",
      retry: ["0s", "1m", "10m"],
    });
    const tenant = createBody(FULL, false);
    expect(Object.keys(tenant).filter((k) => !TENANT_KEYS.has(k))).toEqual([]);
    expect(tenant).toEqual({ url: "https://hooks.example.com/in", events: ["order.created", "order.*", "user.*"], description: "Orders" });
    expect(createBody({ ...EMPTY_FORM, url: "https://a.example", events: "*" }, true)).toEqual({ url: "https://a.example", events: ["*"] });
  });

  it("patches only what changed; an emptied optional key is null, which restores its default", () => {
    const before = valuesOf(endpoint);
    expect(before).toMatchObject({ events: "order.created, order.*", timeout: "30s", retry: "0s, 5s, 5m", scheme: "standard-webhooks", header: "" });
    expect(patchBody(before, before, true)).toEqual({});
    expect(patchBody(before, { ...before, events: "order.created,order.*", url: ` ${before.url}` }, true)).toEqual({});
    expect(patchBody(before, { ...before, description: "New", timeout: "" }, true)).toEqual({ description: "New", timeout: null });
    expect(patchBody(before, { ...before, header: "X-H", retry: "" }, true)).toEqual({ signature: { header: "X-H" }, retry: null });
    expect(patchBody({ ...before, description: "Old" }, { ...before, description: " " }, false)).toEqual({ description: null });
    // A tenant's patch holds only keys a tenant may set, whatever else the values say.
    const tenantPatch = patchBody(before, { ...FULL, id: before.id, tenant: before.tenant }, false);
    expect(Object.keys(tenantPatch).sort()).toEqual(["description", "events"]);
    // Nor does an admin's patch hold an id or a tenant, which cannot be patched.
    expect(Object.keys(patchBody(before, FULL, true)).sort()).toEqual(["description", "events", "retry", "signature", "timeout"]);
  });

  it("writes durations exactly, the way the config file reads them back", () => {
    for (const ms of [0, 250, 1_000, 1_500, 30_000, 90_000, 300_000, 3_600_000, 5_400_000, 86_400_000, 604_800_000]) {
      expect({ ms, back: parseDuration(durationText(ms)) }).toEqual({ ms, back: ms });
    }
    expect([durationText(30_000), durationText(3_600_000), durationText(1_500)]).toEqual(["30s", "1h", "1500ms"]);
  });
});

describe("a tenant's overview", () => {
  const part = (attempts: number, failures: number, at: string[], oldest: string | null): Stats => ({
    window: "1h",
    step_seconds: 60,
    from: "2026-03-08T12:00:00.000Z",
    to: "2026-03-08T13:00:00.000Z",
    attempts,
    delivered: attempts - failures,
    failed: failures,
    success_rate: attempts === 0 ? null : (attempts - failures) / attempts,
    latency_ms: { p50: 10, p95: 20, p99: 30 },
    by_result: { success: attempts - failures, http_error: failures, timeout: 0, network: 0, blocked: 0 },
    series: at.map((t) => ({ at: t, attempts: attempts / at.length, failures: failures / at.length, p50_ms: 1, p95_ms: 2 })),
    backlog: { pending: 1, in_flight: 0, held: 2, failed: failures },
    oldest_pending_at: oldest,
  });

  it("adds up counts, outcomes, backlogs and each bucket, keeps the oldest pending, and claims no percentile", () => {
    const sum = sumStats("1h", [
      part(4, 2, ["2026-03-08T12:01:00.000Z", "2026-03-08T12:02:00.000Z"], "2026-03-08T12:30:00.000Z"),
      part(6, 0, ["2026-03-08T12:02:00.000Z", "2026-03-08T12:03:00.000Z"], "2026-03-08T12:10:00.000Z"),
      part(0, 0, [], null),
    ]);
    expect(sum).toMatchObject({ attempts: 10, delivered: 8, failed: 2, success_rate: 0.8, oldest_pending_at: "2026-03-08T12:10:00.000Z" });
    expect(sum.backlog).toEqual({ pending: 3, in_flight: 0, held: 6, failed: 2 });
    expect(sum.by_result).toEqual({ success: 8, http_error: 2, timeout: 0, network: 0, blocked: 0 });
    expect(sum.series.map((p) => [p.at.slice(14, 16), p.attempts, p.failures])).toEqual([
      ["01", 2, 1],
      ["02", 5, 1],
      ["03", 3, 0],
    ]);
    expect(sum.latency_ms).toEqual({ p50: null, p95: null, p99: null });
    expect(sumStats("24h", [])).toMatchObject({ attempts: 0, success_rate: null, step_seconds: 300, series: [] });
  });
});
