/**
 * Deliveries leased at ingest (scheduler.reserve): a row due at once, at an
 * endpoint with a free slot and nothing waiting, is written in flight with
 * its event and sent without a claim; rows that wait go first all the same.
 */
import { describe, expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const defer = deferCleanup();
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A receiver that holds each request until the test lets it go, in order. */
function heldReceiver() {
  const waiting: (() => void)[] = [];
  const receiver = startReceiver(() => new Promise<Response>((resolve) => waiting.push(() => resolve(new Response("ok")))));
  return {
    receiver,
    async release(): Promise<void> {
      await waitFor("a request held at the receiver", () => waiting.length > 0);
      waiting.shift()!();
    },
  };
}

async function relayTo(url: string, maxInFlight: number) {
  const tmp = tempDir();
  const yaml = configYaml(tmp.dir, `  - id: a\n    url: ${url}\n    events: ["*"]\n    secret: ${SECRET}\n    max_in_flight: ${maxInFlight}`).replace(
    "shutdown_grace: 5s",
    "shutdown_grace: 100ms",
  );
  const relay = await startRelay(yaml, { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop());
  return relay;
}

const statuses = (relay: Awaited<ReturnType<typeof relayTo>>) =>
  (relay.db.query("SELECT e.data, d.status FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY d.seq").all() as { data: string; status: string }[]).map(
    (r) => [JSON.parse(r.data).n, r.status],
  );

describe("leases at ingest", () => {
  it("send as many as max_in_flight leaves room for at once, and keep the rest pending", async () => {
    const held = heldReceiver();
    defer(() => held.receiver.close());
    const relay = await relayTo(held.receiver.url, 2);
    const answer = await relay.post("/v1/events/batch", { events: [1, 2, 3].map((n) => ({ type: "t", data: { n } })) });
    expect(answer.status).toBe(202);
    await held.receiver.waitForRequests(2);
    expect(statuses(relay)).toEqual([
      [1, "in_flight"],
      [2, "in_flight"],
      [3, "pending"],
    ]);
    expect(held.receiver.requests).toHaveLength(2);
    await held.release();
    await held.release();
    await held.release();
    await waitFor("all three delivered", () => statuses(relay).every(([, s]) => s === "delivered"));
    expect(held.receiver.requests.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 2, 3]);
  });

  it("never send a new event ahead of rows already waiting for the endpoint's slot", async () => {
    const held = heldReceiver();
    defer(() => held.receiver.close());
    const relay = await relayTo(held.receiver.url, 1);
    for (const n of [1, 2, 3]) expect((await relay.post("/v1/events", { type: "t", data: { n } })).status).toBe(202);
    await held.receiver.waitForRequests(1);
    await held.release();
    await held.receiver.waitForRequests(2);
    // Event 3 waits for the slot event 2 holds; event 4, posted now, waits behind it.
    expect((await relay.post("/v1/events", { type: "t", data: { n: 4 } })).status).toBe(202);
    expect(statuses(relay).slice(2)).toEqual([
      [3, "pending"],
      [4, "pending"],
    ]);
    await held.release();
    await held.release();
    await held.release();
    await waitFor("all four delivered", () => statuses(relay).every(([, s]) => s === "delivered"));
    expect(held.receiver.requests.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 2, 3, 4]);
  });
});
