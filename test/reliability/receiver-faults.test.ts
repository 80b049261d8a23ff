/**
 * Hostile and broken receivers. Each fault must end in the documented state,
 * leave an attempt log an operator can read, and cost the process no lasting
 * memory: responses are read up to 64 KiB and never decompressed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { gzipSync } from "node:zlib";
import selfsigned from "selfsigned";
import { startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const tmp = tempDir();
let relay: InProcessRelay;
const closers: (() => void)[] = [];

/** A raw TCP server on loopback whose connections `onData` scripts. */
function rawServer(onData: (socket: Bun.Socket<undefined>) => void): string {
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { data: (socket) => onData(socket), error: () => {} },
  });
  closers.push(() => server.stop(true));
  return `http://127.0.0.1:${server.port}/hook`;
}

function pulledStream(totalBytes: number, counter: { pulled: number }) {
  const chunk = new Uint8Array(64 * 1024).fill(97);
  return new ReadableStream({
    pull(controller) {
      if (counter.pulled >= totalBytes) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

const hugeBody = { pulled: 0 };
const faults: Record<string, () => Promise<string> | string> = {
  "server-error": () => startReceiver(() => new Response("boom", { status: 500 })).url,
  timeout: () => startReceiver(() => new Promise<Response>(() => {})).url,
  "hang-after-headers": () =>
    rawServer((s) => {
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    }),
  reset: () => rawServer((s) => s.terminate()),
  trickle: () =>
    rawServer((s) => {
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      const timer = setInterval(() => (s.readyState === 1 ? s.write("x") : clearInterval(timer)), 1000);
      closers.push(() => clearInterval(timer));
    }),
  "huge-response": () => startReceiver(() => new Response(pulledStream(200 * 1024 * 1024, hugeBody), { status: 500 })).url,
  "gzip-bomb": () => {
    const bomb = gzipSync(new Uint8Array(100 * 1024 * 1024));
    return startReceiver(() => new Response(bomb, { status: 500, headers: { "content-encoding": "gzip" } })).url;
  },
  "self-signed": async () => {
    const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], { keyType: "ec" });
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: { cert: pems.cert, key: pems.private }, fetch: () => new Response("ok") });
    closers.push(() => server.stop(true));
    return `https://127.0.0.1:${server.port}/hook`;
  },
  "redirect-to-metadata": () =>
    startReceiver(() => new Response(null, { status: 307, headers: { location: "http://169.254.169.254/latest/meta-data/" } })).url,
  gone: () => startReceiver(() => new Response("gone", { status: 410 })).url,
  "retry-after-seconds": () => startReceiver(() => new Response("", { status: 429, headers: { "retry-after": "120" } })).url,
  "retry-after-date": () =>
    startReceiver(() => new Response("", { status: 503, headers: { "retry-after": new Date(Date.now() + 90_000).toUTCString() } })).url,
  "retry-after-garbage": () => startReceiver(() => new Response("", { status: 429, headers: { "retry-after": "whenever" } })).url,
};

let rssBefore = 0;

beforeAll(async () => {
  const endpoints: string[] = [];
  for (const [id, make] of Object.entries(faults)) {
    // Retry-After cases keep a second attempt so the push is visible, and "gone" one so it can be held
    // (an exhausted delivery is failed even when its attempt disabled the endpoint); the rest end failed.
    const retry = id.startsWith("retry-after") ? "[0s, 10s, 1h]" : id === "gone" ? "[0s, 1h]" : "[0s]";
    endpoints.push(`  - id: ${id}\n    url: ${await make()}\n    events: ["*"]\n    secret: ${SECRET}\n    timeout: 300ms\n    retry: ${retry}`);
  }
  relay = await startRelay(configYaml(tmp.dir, endpoints.join("\n")), { dir: tmp.dir });
  Bun.gc(true);
  rssBefore = process.memoryUsage().rss;
  for (const id of Object.keys(faults)) await relay.post("/v1/events", { type: "fault.test", data: { id }, endpoints: [id] });
}, 60_000);

afterAll(async () => {
  await relay.stop();
  for (const close of closers) close();
  tmp.remove();
});

type Row = { status: string; attempts: number; next_attempt_at: number | null; created_at: number };
const delivery = (id: string) =>
  relay.db.query("SELECT * FROM deliveries WHERE endpoint_id = ? AND event_type = 'fault.test'").get(id) as Row;
const attempt = (id: string) =>
  relay.db
    .query("SELECT a.* FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq WHERE d.endpoint_id = ? ORDER BY n LIMIT 1")
    .get(id) as { error: string | null; status_code: number | null; response_excerpt: string | null } | null;

async function settled(id: string, status: string) {
  await waitFor(`${id} to be ${status}`, () => delivery(id).status === status && attempt(id) !== null, 15_000);
  return attempt(id)!;
}

describe("receiver faults", () => {
  const failedCases: [string, RegExp][] = [
    ["server-error", /^the receiver answered 500 Internal Server Error$/],
    ["timeout", /^no complete response within 300 ms; the attempt timed out$/],
    ["hang-after-headers", /^no complete response within 300 ms; the attempt timed out$/],
    ["reset", /^(the connection to 127\.0\.0\.1:\d+ was reset before a response arrived|could not reach 127\.0\.0\.1:\d+: .+)$/],
    ["trickle", /^no complete response within 300 ms; the attempt timed out$/],
    ["huge-response", /^the receiver answered 500 Internal Server Error$/],
    ["gzip-bomb", /^the receiver answered 500 Internal Server Error$/],
    ["self-signed", /^TLS handshake with 127\.0\.0\.1:\d+ failed: .+/],
    ["redirect-to-metadata", /^the receiver answered 307 \(a redirect to http:\/\/169\.254\.169\.254\/latest\/meta-data\/\), which is not followed$/],
  ];
  for (const [id, message] of failedCases) {
    it(`${id}: the delivery fails with a readable error`, async () => {
      const a = await settled(id, "failed");
      expect(a.error).toMatch(message);
    });
  }

  it("huge-response: reads no more than 64 KiB of a 200 MB answer and keeps 4 KiB", async () => {
    const a = await settled("huge-response", "failed");
    expect(a.response_excerpt!.length).toBe(4096);
    // The receiver produced only what our capped read pulled, plus socket buffers' read-ahead.
    expect(hugeBody.pulled).toBeLessThan(16 * 1024 * 1024);
  });

  it("gzip-bomb: is never decompressed", async () => {
    const a = await settled("gzip-bomb", "failed");
    expect(a.response_excerpt!.length).toBeLessThanOrEqual(4096);
    expect(a.response_excerpt).not.toBe("\0".repeat(4096));
  });

  it("gone: 410 disables the endpoint and holds the delivery", async () => {
    const a = await settled("gone", "held");
    expect(a.status_code).toBe(410);
    const state = relay.db.query("SELECT state FROM endpoint_state WHERE endpoint_id = 'gone'").get() as { state: string };
    expect(state.state).toBe("auto_disabled");
  });

  const pushed: [string, number, number][] = [
    // [endpoint, lower bound of the next attempt after the first, upper bound] in ms from the first attempt
    ["retry-after-seconds", 119_000, 121_500],
    ["retry-after-date", 85_000, 91_500],
    ["retry-after-garbage", 10_000, 11_500],
  ];
  for (const [id, low, high] of pushed) {
    it(`${id}: schedules the next attempt accordingly`, async () => {
      await settled(id, "pending");
      const row = delivery(id);
      const first = relay.db
        .query("SELECT started_at + duration_ms AS ended FROM attempts a JOIN deliveries d ON d.seq = a.delivery_seq WHERE d.endpoint_id = ?")
        .get(id) as { ended: number };
      const wait = row.next_attempt_at! - first.ended;
      expect(wait).toBeGreaterThanOrEqual(low);
      expect(wait).toBeLessThanOrEqual(high);
    });
  }

  it("keeps memory flat through all of it", async () => {
    for (const [id] of failedCases) await settled(id, "failed");
    Bun.gc(true);
    const growth = process.memoryUsage().rss - rssBefore;
    console.log(`receiver faults: RSS grew ${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  });
});
