/**
 * @module bench/ab-e2e
 * Two builds of hookrelay side by side, in alternating rounds (A B A B …):
 * end-to-end deliveries per second with ingest running — the path on which
 * outcomes are recorded — and start-up to /readyz. Prints each round and the
 * median ratio B/A. Used to check that a change to the delivery path costs
 * nothing measurable (BENCHMARKS.md).
 *
 * usage: bun bench/ab-e2e.ts A_BINARY B_BINARY [ROUNDS]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchConfig, INGEST_TOKEN } from "./config";
import type { LoadResult } from "./load";
import { freePort, runScript, startDaemon, startScript } from "./proc";

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b) throw new Error("usage: bun bench/ab-e2e.ts A_BINARY B_BINARY [ROUNDS]");
const ROUNDS = Number(roundsArg ?? 5);
const SECONDS = 12;
const WARMUP_S = 2;

const work = mkdtempSync(join(tmpdir(), "hookrelay-ab-"));
let n = 0;
const receiver = await startScript("receiver.ts");

async function round(binary: string): Promise<{ rps: number; startMs: number }> {
  const dir = join(work, `run-${++n}`);
  mkdirSync(dir);
  const port = freePort();
  writeFileSync(join(dir, "c.yaml"), benchConfig(port, join(dir, "h.db"), { count: 1, url: `${receiver.url}/hook`, firstAttempt: "0s", maxInFlight: 63 }));
  const d = await startDaemon(binary, join(dir, "c.yaml"), port, join(dir, "log"));
  const ingest = runScript<LoadResult>("load.ts", { url: `${d.url}/v1/events`, token: INGEST_TOKEN, mode: "closed", concurrency: 64, seconds: SECONDS + 1, warmup: WARMUP_S });
  await Bun.sleep(WARMUP_S * 1000);
  await fetch(`${receiver.url}/__reset`, { method: "POST", body: "{}" });
  await Bun.sleep(SECONDS * 1000);
  const stats = (await (await fetch(`${receiver.url}/__stats`)).json()) as { rps: number };
  await ingest;
  await d.stop();
  return { rps: stats.rps, startMs: Math.round(d.readyMs * 10) / 10 };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const ratios: number[] = [];
const starts = { a: [] as number[], b: [] as number[] };
try {
  for (let i = 0; i < ROUNDS; i++) {
    const ra = await round(a);
    const rb = await round(b);
    ratios.push(rb.rps / ra.rps);
    starts.a.push(ra.startMs);
    starts.b.push(rb.startMs);
    process.stdout.write(`round ${i + 1}: A ${ra.rps}/s (start ${ra.startMs} ms)  B ${rb.rps}/s (start ${rb.startMs} ms)  B/A ${(rb.rps / ra.rps).toFixed(3)}\n`);
  }
  process.stdout.write(
    `median B/A deliveries ${median(ratios).toFixed(3)}; start-up median A ${median(starts.a)} ms, B ${median(starts.b)} ms\n`,
  );
} finally {
  await receiver.stop();
  rmSync(work, { recursive: true, force: true });
}
