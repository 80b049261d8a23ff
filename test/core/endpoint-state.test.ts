import { describe, expect, it } from "bun:test";
import { type Reply, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

const RETRY = "[0s, 100ms, 100ms, 100ms, 100ms]";

function endpointYaml(url: string, more = "", retry = RETRY) {
  return `  - id: main
    url: ${url}
    events: ["*"]
    secret: ${SECRET}
    retry: ${retry}
${more}`;
}

/** One endpoint "main" at a fresh receiver; `more` adds YAML lines to it. */
async function setup(more = "", options: { retry?: string; reply?: Reply } = {}) {
  const receiver = startReceiver(options.reply);
  const tmp = tempDir();
  const yaml = configYaml(tmp.dir, endpointYaml(receiver.url, more, options.retry));
  const relay = await startRelay(yaml, { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop(), () => receiver.close());
  return { receiver, relay, tmp };
}

const statuses = (relay: InProcessRelay) =>
  (relay.db.query("SELECT status FROM deliveries WHERE event_type NOT LIKE 'hookrelay.%' ORDER BY seq").all() as { status: string }[]).map(
    (r) => r.status,
  );
const endpointState = (relay: InProcessRelay) =>
  relay.db.query("SELECT * FROM endpoint_state WHERE endpoint_id = 'main'").get() as Record<string, unknown>;

describe("endpoint state", () => {
  it("auto-disables after disable_after consecutive failures and holds pending and new deliveries", async () => {
    const { receiver, relay } = await setup("    disable_after: 2");
    receiver.reply(() => new Response("down", { status: 500 }));
    await relay.post("/v1/events", { type: "a.b", data: { n: 1 } });
    await waitFor("auto_disabled", () => endpointState(relay).state === "auto_disabled");
    expect(endpointState(relay).consecutive_failures).toBe(2);
    expect(endpointState(relay).disabled_reason).toBe("2 consecutive failed attempts");
    // The delivery whose attempt tripped it is held, keeping the attempts it used.
    const row = relay.db.query("SELECT status, attempts FROM deliveries").get() as { status: string; attempts: number };
    expect(row).toEqual({ status: "held", attempts: 2 });
    const res = await relay.post("/v1/events", { type: "a.b", data: { n: 2 } });
    expect(res.status).toBe(202);
    expect(statuses(relay)).toEqual(["held", "held"]);
    expect(receiver.requests.length).toBe(2);
  });

  it("re-enables an auto-disabled endpoint when its config is edited, delivering held events in ingest order", async () => {
    const { receiver, relay, tmp } = await setup("    disable_after: 1");
    receiver.reply(() => new Response("down", { status: 500 }));
    await relay.post("/v1/events", { type: "a.b", data: { n: 1 } });
    await waitFor("auto_disabled", () => endpointState(relay).state === "auto_disabled");
    for (let n = 2; n <= 5; n++) await relay.post("/v1/events", { type: "a.b", data: { n } });
    const fixed = startReceiver();
    defer(() => fixed.close());
    await relay.reload(configYaml(tmp.dir, endpointYaml(fixed.url, "    disable_after: 1")));
    const reqs = await fixed.waitForRequests(5);
    expect(reqs.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(endpointState(relay).state).toBe("active");
    expect(endpointState(relay).consecutive_failures).toBe(0);
    await waitFor("all delivered", () => statuses(relay).every((s) => s === "delivered"));
  });

  it("disables at once on 410 Gone", async () => {
    const { receiver, relay } = await setup();
    receiver.reply(() => new Response("gone", { status: 410 }));
    await relay.post("/v1/events", { type: "a.b", data: {} });
    await waitFor("auto_disabled", () => endpointState(relay).state === "auto_disabled");
    expect(endpointState(relay).disabled_reason).toBe("the receiver answered 410 Gone");
    expect(statuses(relay)).toEqual(["held"]);
    expect(receiver.requests.length).toBe(1);
  });

  it("leaves the delivery failed when the attempt that trips disable_after was its last", async () => {
    const { relay } = await setup("    disable_after: 2", { retry: "[0s, 50ms]", reply: () => new Response("down", { status: 500 }) });
    await relay.post("/v1/events", { type: "a.b", data: {} });
    await waitFor("auto_disabled", () => endpointState(relay).state === "auto_disabled");
    expect(statuses(relay)).toEqual(["failed"]);
  });

  it("holds deliveries of an endpoint removed from the config and resumes them when it returns", async () => {
    const { receiver, relay, tmp } = await setup();
    const other = startReceiver();
    defer(() => other.close());
    receiver.reply(() => new Response("down", { status: 500 }));
    await relay.post("/v1/events", { type: "a.b", data: { n: 1 } });
    await receiver.waitForRequests(1);
    const withoutMain = configYaml(
      tmp.dir,
      `  - id: other
    url: ${other.url}
    events: ["*"]
    secret: ${SECRET}`,
    );
    await relay.reload(withoutMain);
    await waitFor("held", () => statuses(relay)[0] === "held");
    receiver.reply(() => new Response("ok"));
    await relay.reload(configYaml(tmp.dir, endpointYaml(receiver.url)));
    await waitFor("delivered", () => statuses(relay)[0] === "delivered");
  });

  it("keeps a config-disabled endpoint's deliveries held until the config enables it", async () => {
    const { receiver, relay, tmp } = await setup("    enabled: false");
    await relay.post("/v1/events", { type: "a.b", data: {} });
    expect(statuses(relay)).toEqual(["held"]);
    expect(endpointState(relay).state).toBe("disabled");
    await relay.reload(configYaml(tmp.dir, endpointYaml(receiver.url)));
    await receiver.waitForRequests(1);
    await waitFor("delivered", () => statuses(relay)[0] === "delivered");
  });
});

describe("ordering: fifo", () => {
  it("delivers one key at a time in ingest order; a failing head blocks only its own key", async () => {
    let failHeadOfA = true;
    const reply: Reply = (req) => {
      const { key, n } = JSON.parse(req.body).data;
      if (key === "a" && n === 1 && failHeadOfA) return new Response("no", { status: 500 });
      return new Response("ok");
    };
    const { receiver, relay } = await setup("    ordering: fifo", { retry: "[0s, 300ms, 300ms]", reply });
    for (let n = 1; n <= 3; n++) {
      await relay.post("/v1/events", { type: "t", data: { key: "a", n }, ordering_key: "a" });
      await relay.post("/v1/events", { type: "t", data: { key: "b", n }, ordering_key: "b" });
    }
    // Key b flows while a's head is failing.
    await waitFor("b delivered", () => receiver.requests.filter((r) => JSON.parse(r.body).data.key === "b").length === 3);
    const aSoFar = receiver.requests.filter((r) => JSON.parse(r.body).data.key === "a").map((r) => JSON.parse(r.body).data.n);
    expect(aSoFar.every((n) => n === 1)).toBe(true);
    failHeadOfA = false;
    await waitFor("a delivered", () => receiver.requests.filter((r) => JSON.parse(r.body).data.key === "a").length >= 4);
    const aOrder = receiver.requests.filter((r) => JSON.parse(r.body).data.key === "a").map((r) => JSON.parse(r.body).data.n);
    expect(aOrder.slice(-3)).toEqual([1, 2, 3]);
    const bOrder = receiver.requests.filter((r) => JSON.parse(r.body).data.key === "b").map((r) => JSON.parse(r.body).data.n);
    expect(bOrder).toEqual([1, 2, 3]);
  });

  it("attempts a failed delivery retried by hand only once the head in flight has answered", async () => {
    let answerHead!: () => void;
    const headAnswered = new Promise<void>((resolve) => (answerHead = resolve));
    let firstTries = 0;
    const reply: Reply = async (req) => {
      const { key, n } = JSON.parse(req.body).data;
      if (key === "a" && n === 1 && ++firstTries <= 2) return new Response("no", { status: 500 });
      if (key === "a" && n === 2) await headAnswered;
      return new Response("ok");
    };
    const { receiver, relay } = await setup("    ordering: fifo", { retry: "[0s, 50ms]", reply });
    for (let n = 1; n <= 3; n++) await relay.post("/v1/events", { type: "t", data: { key: "a", n }, ordering_key: "a" });
    const sent = () => receiver.requests.map((r) => JSON.parse(r.body).data).map((d) => `${d.key}${d.n}`);
    await waitFor("a1 failed and a2 in flight", () => sent().includes("a2"));
    const [first] = relay.daemon.db!.query("SELECT seq FROM deliveries ORDER BY seq LIMIT 1").all() as { seq: number }[];
    expect((await relay.admin("POST", `/v1/deliveries/dlv_${first!.seq}/retry`)).status).toBe(200);
    // Another key delivered after the retry: the scheduler has had its rounds, and left key a alone.
    await relay.post("/v1/events", { type: "t", data: { key: "b", n: 1 }, ordering_key: "b" });
    await waitFor("b1 delivered", () => sent().includes("b1"));
    expect(sent().filter((k) => k.startsWith("a"))).toEqual(["a1", "a1", "a2"]);
    answerHead();
    await waitFor("every delivery delivered", () => statuses(relay).every((s) => s === "delivered"));
    expect(sent().filter((k) => k.startsWith("a"))).toEqual(["a1", "a1", "a2", "a1", "a3"]);
  });

  it("lets a failed head stop blocking its key", async () => {
    const reply: Reply = (req) => new Response("", { status: JSON.parse(req.body).data.n === 1 ? 500 : 200 });
    const { receiver, relay } = await setup("    ordering: fifo", { retry: "[0s, 50ms]", reply });
    await relay.post("/v1/events", { type: "t", data: { n: 1 } });
    await relay.post("/v1/events", { type: "t", data: { n: 2 } });
    await waitFor("second delivered after the head failed", () => statuses(relay).join() === "failed,delivered");
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 1, 2]);
  });
});
