/**
 * @module bench/json-scan
 * What the ingest body scan (src/http/json-scan.ts) costs per event, beside
 * the JSON.parse every body gets anyway and the JSON.stringify of `data` the
 * scan replaced. In-process, one JS thread, median of five rounds; two
 * bodies: the benchmark's 1 KB event (one long string) and a 1 KB event
 * dense with keys, numbers and arrays, the scan's worst kind of input.
 *
 * usage: bun bench/json-scan.ts
 */
import { scanJson } from "../src/http/json-scan";
import { MAX_JSON_DEPTH } from "../src/http/body";
import { eventBody } from "./event";

const BODIES = 1_000;
const CALLS = 200_000;
const ROUNDS = 5;
const DATA = ["data"];

const dense = (i: number) =>
  JSON.stringify({
    type: "scan.completed",
    data: {
      domain: "example.com",
      score: i,
      findings: Array.from({ length: 12 }, (_, k) => ({ id: 1234567890123 + k, sev: "HIGH", tags: ["a", "b"], ok: true, ratio: 0.25 })),
    },
  });

/** Median µs per call of `f` over the bodies, after a warm-up. */
function measure<T>(inputs: readonly T[], f: (input: T) => unknown): number {
  for (let i = 0; i < CALLS / 10; i++) f(inputs[i % inputs.length]!);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) f(inputs[i % inputs.length]!);
    rounds.push(((performance.now() - start) * 1000) / CALLS);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

for (const [name, make] of [
  ["bench event", (i: number) => eventBody(Date.now() + i)],
  ["dense event", dense],
] as const) {
  const texts = Array.from({ length: BODIES }, (_, i) => make(i));
  const parsed = texts.map((t) => JSON.parse(t) as { data: unknown });
  const row = {
    body: name,
    bytes: texts[0]!.length,
    parse_us: measure(texts, (t) => JSON.parse(t)),
    scan_us: measure(texts, (t) => scanJson(t, MAX_JSON_DEPTH, DATA)),
    stringify_data_us: measure(parsed, (p) => JSON.stringify(p.data)),
  };
  console.log(JSON.stringify(row, (_, v) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v)));
}
