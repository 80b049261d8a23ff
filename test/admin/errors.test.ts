/** @module test/admin/errors — every admin error status, as a table of real requests. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Receiver } from "../helpers/receiver";
import { startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { endpoint } from "./fixture";

let relay: InProcessRelay;
let receiver: Receiver;
let tmp: ReturnType<typeof tempDir>;
let delivered = "";

beforeAll(async () => {
  receiver = startReceiver();
  tmp = tempDir();
  relay = await startRelay(configYaml(tmp.dir, endpoint("ep", receiver.url, `["*"]`)), { dir: tmp.dir });
  await relay.post("/v1/events", { type: "a.b", data: {} });
  await receiver.waitForRequests(1);
  delivered = await waitFor("a delivered delivery", async () => {
    const res = await relay.admin("GET", "/v1/deliveries?status=delivered");
    return ((await res.json()) as { items: { id: string }[] }).items[0]?.id;
  });
});

afterAll(async () => {
  await relay.stop();
  receiver.close();
  tmp.remove();
});

/** Far past the nesting limit (128), as a hostile client would send it. */
const NESTED = `${"[".repeat(300_000)}${"]".repeat(300_000)}`;

type Row = [name: string, method: string, path: () => string, body: unknown, status: number, code: string];

const ROUTES: [string, string, unknown][] = [
  ["GET", "/v1/endpoints", undefined],
  ["GET", "/v1/endpoints/ep", undefined],
  ["POST", "/v1/endpoints/ep/enable", undefined],
  ["POST", "/v1/endpoints/ep/disable", undefined],
  ["POST", "/v1/endpoints/ep/test", undefined],
  ["GET", "/v1/events/x", undefined],
  ["GET", "/v1/deliveries", undefined],
  ["GET", "/v1/deliveries/dlv_1", undefined],
  ["POST", "/v1/deliveries/dlv_1/retry", undefined],
  ["POST", "/v1/deliveries/dlv_1/cancel", undefined],
  ["POST", "/v1/deliveries/retry", { status: "failed" }],
  ["POST", "/v1/deliveries/cancel", { status: "held" }],
  ["GET", "/v1/deliveries/count", undefined],
  ["GET", "/v1/stats", undefined],
  ["GET", "/v1/endpoints/ep/stats", undefined],
];

describe("admin errors", () => {
  for (const [method, path, body] of ROUTES) {
    it(`${method} ${path} refuses a missing token and an ingest token with 401`, async () => {
      for (const token of [null, INGEST_TOKEN, "wrong"]) {
        const res = await fetch(`${relay.url}${path}`, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      }
    });
  }

  const rows: Row[] = [
    ["unknown status", "GET", () => "/v1/deliveries?status=lost", undefined, 400, "invalid_query"],
    ["limit 0", "GET", () => "/v1/deliveries?limit=0", undefined, 400, "invalid_query"],
    ["limit above 1000", "GET", () => "/v1/deliveries?limit=1001", undefined, 400, "invalid_query"],
    ["limit not a number", "GET", () => "/v1/deliveries?limit=ten", undefined, 400, "invalid_query"],
    ["cursor not ours", "GET", () => "/v1/deliveries?cursor=abc", undefined, 400, "invalid_query"],
    ["since not a time", "GET", () => "/v1/deliveries?since=yesterday", undefined, 400, "invalid_query"],
    ["until without a zone", "GET", () => "/v1/deliveries?until=2026-01-01T00:00:00", undefined, 400, "invalid_query"],
    ["unknown query key", "GET", () => "/v1/deliveries?state=failed", undefined, 400, "invalid_query"],
    ["bulk retry without status", "POST", () => "/v1/deliveries/retry", {}, 400, "invalid_body"],
    ["bulk retry of held", "POST", () => "/v1/deliveries/retry", { status: "held" }, 400, "invalid_body"],
    ["bulk cancel of failed", "POST", () => "/v1/deliveries/cancel", { status: "failed" }, 400, "invalid_body"],
    ["bulk with a bad since", "POST", () => "/v1/deliveries/retry", { status: "failed", since: "soon" }, 400, "invalid_body"],
    ["bulk with an unknown key", "POST", () => "/v1/deliveries/cancel", { status: "held", everything: true }, 400, "invalid_body"],
    ["bulk body not JSON", "POST", () => "/v1/deliveries/retry", "{status", 400, "invalid_json"],
    ["bulk retry nested too deep", "POST", () => "/v1/deliveries/retry", `{"status":"failed","x":${NESTED}}`, 400, "too_deep"],
    ["bulk cancel nested too deep", "POST", () => "/v1/deliveries/cancel", `{"status":"held","x":${NESTED}}`, 400, "too_deep"],
    ["unknown endpoint", "GET", () => "/v1/endpoints/nope", undefined, 404, "not_found"],
    ["enable unknown endpoint", "POST", () => "/v1/endpoints/nope/enable", undefined, 404, "not_found"],
    ["disable unknown endpoint", "POST", () => "/v1/endpoints/nope/disable", undefined, 404, "not_found"],
    ["test unknown endpoint", "POST", () => "/v1/endpoints/nope/test", undefined, 404, "not_found"],
    ["unknown event", "GET", () => "/v1/events/evt_nope", undefined, 404, "not_found"],
    ["unknown delivery", "GET", () => "/v1/deliveries/dlv_999999", undefined, 404, "not_found"],
    ["malformed delivery id", "GET", () => "/v1/deliveries/42", undefined, 404, "not_found"],
    ["retry unknown delivery", "POST", () => "/v1/deliveries/dlv_999999/retry", undefined, 404, "not_found"],
    ["cancel unknown delivery", "POST", () => "/v1/deliveries/dlv_999999/cancel", undefined, 404, "not_found"],
    ["cancel a delivered delivery", "POST", () => `/v1/deliveries/${delivered}/cancel`, undefined, 409, "wrong_state"],
  ];

  for (const [name, method, path, body, status, code] of rows) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await relay.admin(method, path(), body);
      const json = (await res.json()) as { error: { code: string; message: string; details?: { field: string }[] } };
      expect(res.status).toBe(status);
      expect(json.error.code).toBe(code);
      expect(json.error.message.length).toBeGreaterThan(0);
      if (status === 400 && !["invalid_json", "too_deep"].includes(code)) expect(json.error.details?.length).toBeGreaterThan(0);
    });
  }

  it("keeps the token out of every answer", async () => {
    const res = await relay.admin("GET", "/v1/endpoints");
    expect(await res.text()).not.toContain(ADMIN_TOKEN);
  });
});
