/**
 * @module bench/bare-fetch
 * Ceiling for delivery: `concurrency` loops each POSTing a 1 KB envelope
 * signed the Standard Webhooks way (HMAC-SHA256 with Bun.CryptoHasher, as
 * hookrelay signs) to the receiver and reading the answer, with no storage.
 * Prints one JSON line.
 *
 * usage: bun bench/bare-fetch.ts '{"url": ..., "concurrency": 64, "seconds": 10, "warmup": 2}'
 */
import { eventBody } from "./event";
import { cpuSeconds } from "./proc";
import { Recorder, round, wallMs } from "./stats";

interface Options {
  readonly url: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmup: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const key = Buffer.from("bench-fetch-ceiling-key-32-bytes");
const latency = new Recorder();
let measuring = false;
let ok = 0;
let errors = 0;
let n = 0;

async function one(): Promise<void> {
  const started = performance.now();
  const id = `evt_${++n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const body = `{"id":"${id}","type":"bench.event","timestamp":"${new Date().toISOString()}","data":${eventBody(wallMs())}}`;
  const signature = new Bun.CryptoHasher("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  let good = false;
  try {
    const res = await fetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "hookrelay-bench",
        "webhook-id": id,
        "webhook-timestamp": timestamp,
        "webhook-signature": `v1,${signature}`,
      },
      body,
    });
    await res.arrayBuffer();
    good = res.ok;
  } catch {
    good = false;
  }
  if (!measuring) return;
  latency.add(performance.now() - started);
  if (good) ok++;
  else errors++;
}

const start = performance.now();
const warmEnd = start + options.warmup * 1000;
const end = warmEnd + options.seconds * 1000;
const loops = Promise.all(
  Array.from({ length: options.concurrency }, async () => {
    while (performance.now() < end) await one();
  }),
);
await Bun.sleep(options.warmup * 1000);
measuring = true;
const from = performance.now();
const cpuFrom = cpuSeconds(process.pid);
await loops;
const seconds = (performance.now() - from) / 1000;
const cpuUsPerRequest = round(((cpuSeconds(process.pid) - cpuFrom) * 1e6) / (ok + errors), 1);
console.log(JSON.stringify({ requests: ok + errors, ok, errors, seconds: round(seconds), rps: round(ok / seconds, 0), latency: latency.summary(), cpuUsPerRequest }));
