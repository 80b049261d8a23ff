/**
 * @module bench/load
 * The load generator, run as its own process so it never shares a JS thread
 * with the server it measures. Two modes:
 *   closed — `concurrency` clients, each sending its next request when the
 *            previous one is answered (throughput and latency under load);
 *   open   — requests started at a fixed `rate`, whatever the answers do
 *            (latency at a steady rate, free of coordinated omission).
 * Every request is a 1 KB event (bench/event.ts), all of one type or, with
 * `types`, of types bench.t0…bench.t(N-1) in turn, so each of N endpoints
 * subscribed to one of them gets its share. With `urls`, the requests go to
 * those servers in turn (several nodes behind no balancer), each with keep-alive
 * connections of its own. Prints one JSON line.
 *
 * usage: bun bench/load.ts '{"url": ..., "token": ..., "mode": "closed", "concurrency": 64, "seconds": 10, "warmup": 2}'
 */
import { EVENT_TYPE, eventBody, spreadType } from "./event";
import { HttpConnection, postBytes } from "./http-client";
import { Recorder, round, wallMs } from "./stats";

export interface LoadOptions {
  readonly url: string;
  /** Post to each of these in turn instead of to `url` alone. */
  readonly urls?: readonly string[];
  readonly token: string;
  readonly mode: "closed" | "open";
  readonly concurrency?: number;
  readonly rate?: number;
  readonly seconds: number;
  readonly warmup: number;
  /** Spread the events over this many types (see above); one type when absent. */
  readonly types?: number;
  /** Closed mode: stop after this many requests, warm-up included, if `seconds` has not run out first. */
  readonly total?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
  readonly seconds: number;
  readonly rps: number;
  readonly latency: { n: number; p50: number; p99: number; max: number };
}

/** In open mode, requests still unanswered beyond this are skipped and counted as errors: bounds memory if the server stalls. */
const MAX_OPEN_IN_FLIGHT = 2_000;
/** A request unanswered this long counts as an error and its connection is dropped, so a run always ends. */
const REQUEST_TIMEOUT_MS = 10_000;

const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
const targets = (options.urls ?? [options.url]).map((u) => new URL(u));
const headers = { authorization: `Bearer ${options.token}`, "content-type": "application/json" };
/** Idle keep-alive connections to each target; open mode takes one per request and opens another when none is idle. */
const idle: HttpConnection[][] = targets.map(() => []);
const latency = new Recorder();
const statuses: Record<string, number> = {};
let measuring = false;
let ok = 0;
let errors = 0;
let inFlight = 0;
let sent = 0;
let begun = 0;
let posted = 0;

function nextType(): string {
  return options.types === undefined ? EVENT_TYPE : spreadType(sent++ % options.types);
}

async function one(): Promise<void> {
  const started = performance.now();
  inFlight++;
  let status = "error";
  let conn: HttpConnection | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const target = posted++ % targets.length;
  const url = targets[target]!;
  try {
    conn = takeIdle(idle[target]!) ?? (await HttpConnection.open(url.hostname, Number(url.port)));
    const answered = conn.request(postBytes(url, headers, eventBody(wallMs(), nextType())));
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "timeout" })), REQUEST_TIMEOUT_MS);
    });
    status = String(await Promise.race([answered, timedOut]));
    idle[target]!.push(conn);
  } catch (err) {
    conn?.close();
    status = (err as { code?: string }).code ?? "error";
  } finally {
    clearTimeout(timer);
  }
  inFlight--;
  if (!measuring) return;
  latency.add(performance.now() - started);
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (status.startsWith("2")) ok++;
  else errors++;
}

/** An idle connection the server has not closed meanwhile (its idle timeout closes ones left unused). */
function takeIdle(pool: HttpConnection[]): HttpConnection | undefined {
  let conn = pool.pop();
  while (conn && !conn.open) conn = pool.pop();
  return conn;
}

async function closed(until: number): Promise<void> {
  const total = options.total ?? Number.POSITIVE_INFINITY;
  const client = async () => {
    while (performance.now() < until && begun++ < total) await one();
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 64 }, client));
}

async function open(until: number): Promise<void> {
  const interval = 1000 / (options.rate ?? 1000);
  const running = new Set<Promise<void>>();
  let next = performance.now();
  while (next < until) {
    const now = performance.now();
    while (next <= now) {
      if (inFlight >= MAX_OPEN_IN_FLIGHT) {
        if (measuring) errors++;
      } else {
        const p = one().finally(() => running.delete(p));
        running.add(p);
      }
      next += interval;
    }
    await Bun.sleep(Math.max(0, next - performance.now()));
  }
  await Promise.all(running);
}

const run = options.mode === "open" ? open : closed;
const start = performance.now();
const warmEnd = start + options.warmup * 1000;
const end = warmEnd + options.seconds * 1000;
const warm = run(end);
await Bun.sleep(Math.max(0, warmEnd - performance.now()));
measuring = true;
const measuredFrom = performance.now();
await warm;
const seconds = (performance.now() - measuredFrom) / 1000;
for (const conn of idle.flat()) conn.close();
const result: LoadResult = {
  requests: ok + errors,
  ok,
  errors,
  statuses,
  seconds: round(seconds),
  rps: round(ok / seconds, 0),
  latency: latency.summary(),
};
console.log(JSON.stringify(result));
