/**
 * One slow or dead endpoint never slows delivery to the others: a hanging
 * endpoint can take at most its max_in_flight slots, and claims are per endpoint.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SAMPLES = 40;
const tmp = tempDir();
afterAll(() => tmp.remove());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("isolation", () => {
  it("keeps a healthy endpoint's latency within a small factor while another endpoint hangs every request", async () => {
    const healthy = startReceiver();
    const hanging = startReceiver(() => new Promise<Response>(() => {}));
    const yaml = configYaml(
      tmp.dir,
      `  - id: healthy
    url: ${healthy.url}
    events: ["h.*"]
    secret: ${SECRET}
  - id: hanging
    url: ${hanging.url}
    events: ["x.*"]
    secret: ${SECRET}
    timeout: 30s`,
    ).replace("shutdown_grace: 5s", "shutdown_grace: 100ms");
    const relay = await startRelay(yaml, { dir: tmp.dir });
    const latencies = async () => {
      const out: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const before = healthy.requests.length;
        const sent = Date.now();
        await relay.post("/v1/events", { type: "h.tick", data: { i } });
        await waitFor("the healthy delivery", () => healthy.requests.length > before);
        out.push(healthy.requests[before]!.at - sent);
      }
      return out;
    };
    try {
      const alone = median(await latencies());
      // Far more than the hanging endpoint's max_in_flight (16): its slots fill and the rest queue.
      await relay.post("/v1/events/batch", { events: Array.from({ length: 500 }, (_, i) => ({ type: "x.tick", data: { i } })) });
      await hanging.waitForRequests(16);
      const beside = median(await latencies());
      const ratio = beside / Math.max(alone, 1);
      console.log(`isolation: healthy p50 alone ${alone} ms, beside a hanging endpoint ${beside} ms (ratio ${ratio.toFixed(2)})`);
      expect(hanging.requests.length).toBe(16);
      expect(ratio).toBeLessThan(3);
    } finally {
      await relay.stop();
      healthy.close();
      hanging.close();
    }
  });
});
