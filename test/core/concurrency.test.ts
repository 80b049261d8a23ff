import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";

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
    await a.waitForRequests(3);
    await b.waitForRequests(1);
    const counts = relay.daemon.db
      .query("SELECT endpoint_id, status, COUNT(*) AS n FROM deliveries GROUP BY endpoint_id, status ORDER BY endpoint_id, status")
      .all();
    expect(counts).toEqual([
      { endpoint_id: "a", status: "in_flight", n: 3 },
      { endpoint_id: "a", status: "pending", n: 7 },
      { endpoint_id: "b", status: "in_flight", n: 1 },
      { endpoint_id: "b", status: "pending", n: 9 },
    ]);
  });
});
