import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";

const defer = deferCleanup();

describe("rate_limit", () => {
  it("starts at most N attempts per second, in bursts of up to N", async () => {
    const receiver = startReceiver();
    const tmp = tempDir();
    const yaml = configYaml(
      tmp.dir,
      `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n    rate_limit: 20/s`,
    );
    const relay = await startRelay(yaml, { dir: tmp.dir });
    defer(tmp.remove, () => relay.stop(), () => receiver.close());
    await relay.post("/v1/events/batch", { events: Array.from({ length: 30 }, (_, i) => ({ type: "t", data: { i } })) });
    const reqs = await receiver.waitForRequests(30);
    const first = reqs[0]!.at;
    // The burst goes at once; the ten after it wait for tokens at 50 ms each.
    expect(reqs[19]!.at - first).toBeLessThan(400);
    expect(reqs[29]!.at - first).toBeGreaterThanOrEqual(450);
  });
});
