/**
 * @module bench/ab-e2e
 * Two builds of hookrelay side by side, in alternating rounds (A B, B A, A B …,
 * so neither always runs second on a machine warmed by the other):
 * durable ingest (64 clients, one endpoint whose first attempt is an hour
 * away, so every event is a real pending row), end-to-end deliveries per
 * second with ingest running — the path on which outcomes are recorded —
 * with the daemon's CPU time per delivery in that window (less swayed than a
 * rate by other work on the machine), and start-up to /readyz. Prints each
 * round and the median ratios B/A.
 * Used to check that a change to the ingest or delivery path costs nothing
 * measurable (BENCHMARKS.md).
 *
 * usage: bun bench/ab-e2e.ts A_BINARY B_BINARY [ROUNDS]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchConfig, INGEST_TOKEN } from "./config";
import type { LoadResult } from "./load";
import { cpuSeconds, freePort, runScript, startDaemon, startScript } from "./proc";

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b) throw new Error("usage: bun bench/ab-e2e.ts A_BINARY B_BINARY [ROUNDS]");
const ROUNDS = Number(roundsArg ?? 5);
const SECONDS = 12;
const WARMUP_S = 2;

const work = mkdtempSync(join(tmpdir(), "hookrelay-ab-"));
let n = 0;
const receiver = await startScript("receiver.ts");

/** A fresh daemon of `binary` on a database of its own, its one endpoint's first attempt `firstAttempt` after ingest. */
async function daemon(binary: string, firstAttempt: string) {
  const dir = join(work, `run-${++n}`);
  mkdirSync(dir);
  const port = freePort();
  writeFileSync(join(dir, "c.yaml"), benchConfig(port, join(dir, "h.db"), { count: 1, url: `${receiver.url}/hook`, firstAttempt, maxInFlight: 63 }));
  return startDaemon(binary, join(dir, "c.yaml"), port, join(dir, "log"));
}

async function ingestRound(binary: string): Promise<number> {
  const d = await daemon(binary, "1h");
  const load = await runScript<LoadResult>("load.ts", { url: `${d.url}/v1/events`, token: INGEST_TOKEN, mode: "closed", concurrency: 64, seconds: SECONDS, warmup: WARMUP_S });
  await d.stop();
  return Math.round(load.rps);
}

async function round(binary: string): Promise<{ rps: number; cpuUs: number; startMs: number }> {
  const d = await daemon(binary, "0s");
  const ingest = runScript<LoadResult>("load.ts", { url: `${d.url}/v1/events`, token: INGEST_TOKEN, mode: "closed", concurrency: 64, seconds: SECONDS + 1, warmup: WARMUP_S });
  await Bun.sleep(WARMUP_S * 1000);
  await fetch(`${receiver.url}/__reset`, { method: "POST", body: "{}" });
  const cpu0 = cpuSeconds(d.pid);
  await Bun.sleep(SECONDS * 1000);
  const cpu = cpuSeconds(d.pid) - cpu0;
  const stats = (await (await fetch(`${receiver.url}/__stats`)).json()) as { rps: number; count: number };
  await ingest;
  await d.stop();
  return { rps: stats.rps, cpuUs: Math.round((cpu * 1e6) / stats.count), startMs: Math.round(d.readyMs * 10) / 10 };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const ratios: number[] = [];
const cpuRatios: number[] = [];
const ingestRatios: number[] = [];
const starts = { a: [] as number[], b: [] as number[] };
try {
  for (let i = 0; i < ROUNDS; i++) {
    const both = async <T>(run: (binary: string) => Promise<T>): Promise<[T, T]> => {
      if (i % 2 === 0) return [await run(a), await run(b)];
      const fromB = await run(b);
      return [await run(a), fromB];
    };
    const [ia, ib] = await both(ingestRound);
    ingestRatios.push(ib / ia);
    const [ra, rb] = await both(round);
    ratios.push(rb.rps / ra.rps);
    cpuRatios.push(rb.cpuUs / ra.cpuUs);
    starts.a.push(ra.startMs);
    starts.b.push(rb.startMs);
    process.stdout.write(
      `round ${i + 1}: ingest A ${ia}/s B ${ib}/s B/A ${(ib / ia).toFixed(3)}; end to end A ${ra.rps}/s ${ra.cpuUs} us CPU each (start ${ra.startMs} ms)  B ${rb.rps}/s ${rb.cpuUs} us (start ${rb.startMs} ms)  B/A ${(rb.rps / ra.rps).toFixed(3)}, CPU ${(rb.cpuUs / ra.cpuUs).toFixed(3)}\n`,
    );
  }
  process.stdout.write(
    `median B/A ingest ${median(ingestRatios).toFixed(3)}, deliveries ${median(ratios).toFixed(3)}, CPU per delivery ${median(cpuRatios).toFixed(3)}; start-up median A ${median(starts.a)} ms, B ${median(starts.b)} ms\n`,
  );
} finally {
  await receiver.stop();
  rmSync(work, { recursive: true, force: true });
}
