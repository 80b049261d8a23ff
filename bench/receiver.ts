/**
 * @module bench/receiver
 * The receiver for the delivery figures, in its own process: reads each body
 * and answers 200 at once. `POST /__reset` zeroes its counters (body
 * `{"latency": true}` also records, per request, now minus the `sent_at`
 * stamped by the load generator); `GET /__stats` reports them. Prints its URL.
 */
import { sentAtOf } from "./event";
import { Recorder, round, wallMs } from "./stats";

let count = 0;
let since = performance.now();
let trackLatency = false;
const latency = new Recorder();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/__stats") {
      const seconds = (performance.now() - since) / 1000;
      return Response.json({ count, seconds: round(seconds), rps: round(count / seconds, 0), latency: latency.summary() });
    }
    if (path === "/__reset") {
      trackLatency = ((await request.json()) as { latency?: boolean }).latency === true;
      count = 0;
      latency.reset();
      since = performance.now();
      return Response.json({ reset: true });
    }
    const body = await request.text();
    count++;
    if (trackLatency) {
      const sentAt = sentAtOf(body);
      if (sentAt !== null) latency.add(wallMs() - sentAt);
    }
    return new Response("ok");
  },
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}` }));
