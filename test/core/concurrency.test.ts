import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const defer = deferCleanup();

describe("concurrency limits", () => {
  it("keeps in-flight attempts within max_in_flight per endpoint and delivery.concurrency overall", async () => {
    const a = startReceiver(() => new Promise<Response>(() => {}));
    const b = startReceiver(() => new Promise<Response>(() => {}));
    const tmp = tempDir();
    const endpoint = (id: string, url: string) =>
      `  - id: ${id}\n    url: ${url}\n    events: ["*"]\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`;
    const limits = "delivery:\n  concurrency: 4\ndefaults:\n  max_in_flight: 3";
    const yaml = configYaml(tmp.dir, [endpoint("a", a.url), endpoint("b", b.url)].join("\n"), limits)
      .replace("shutdown_grace: 5s", "shutdown_grace: 100ms");
    const relay = await startRelay(yaml, { dir: tmp.dir });
    defer(tmp.remove, () => relay.stop(), () => a.close(), () => b.close());
    await relay.post("/v1/events/batch", { events: Array.from({ length: 10 }, (_, i) => ({ type: "t", data: { i } })) });
    await waitFor("four attempts in flight", () => a.requests.length + b.requests.length === 4);
    const inFlight = relay.db
      .query("SELECT endpoint_id, COUNT(*) AS n FROM deliveries WHERE status = 'in_flight' GROUP BY endpoint_id")
      .all() as { endpoint_id: string; n: number }[];
    expect(inFlight.reduce((sum, r) => sum + r.n, 0)).toBe(4);
    expect(inFlight.every((r) => r.n <= 3)).toBe(true);
    expect(a.requests.length + b.requests.length).toBe(4);
  });
});
