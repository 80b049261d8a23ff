/**
 * @module bench/rollup-stats
 * The stats API's read with the rollups that 10,000,000 stored attempts
 * leave: a week of minutes, 100 endpoints, each (endpoint, minute) row and
 * the relay's, written with the daemon's own upsert. Attempt rows themselves
 * are not synthesised: the stats read touches attempt_rollups alone (its
 * query plan is tested), so their number cannot change its cost, while 10M
 * of them would take this machine minutes and gigabytes to write. Times the
 * 24 h answer (read + assembly) for the relay and for one endpoint.
 * Args (JSON on argv[2]): {path, attempts, endpoints, rounds}.
 */
import { openDatabase } from "../src/db/open";
import { migrate } from "../src/db/migrate";
import { Rollups } from "../src/outbox/rollups";
import { statsAnswer } from "../src/stats/answer";
import { AttemptTally, RELAY_SCOPE } from "../src/stats/tally";
import { windowRange } from "../src/stats/window";
import type { ResultLabel } from "../src/delivery/classify";

const { path, attempts, endpoints, rounds } = JSON.parse(process.argv[2]!) as { path: string; attempts: number; endpoints: number; rounds: number };
const MINUTES = 7 * 24 * 60;
const now = Date.now();
const db = openDatabase(path, { sync: "normal" });
migrate(db);
const rollups = new Rollups(db);

const started = performance.now();
const perMinute = attempts / MINUTES;
const labels: ResultLabel[] = ["success", "success", "success", "success", "success", "success", "success", "success", "http_error", "timeout"];
let written = 0;
// One tally per minute: what the flushes of that minute add up to, with each endpoint's share.
for (let m = 0; m < MINUTES; m++) {
  const at = now - (MINUTES - m) * 60_000;
  const tally = new AttemptTally();
  const count = Math.round(perMinute * (m + 1)) - Math.round(perMinute * m);
  for (let i = 0; i < count; i++) {
    const label = labels[(m + i) % labels.length]!;
    tally.add(`ep${(m * 7 + i) % endpoints}`, null, at, label, 5 + ((i * 37) % 400), label === "success" ? "delivered" : null);
  }
  db.transaction(() => rollups.save(tally))();
  written += count;
}
const buildSeconds = (performance.now() - started) / 1000;

function time(scope: string): { p50Ms: number; maxMs: number } {
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const range = windowRange("24h", Date.now());
    const answer = statsAnswer("24h", range, rollups.read(scope, range.fromMinute, range.toMinute, range.stepMinutes));
    JSON.stringify(answer);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { p50Ms: Math.round(runs[Math.floor(runs.length / 2)]! * 100) / 100, maxMs: Math.round(runs.at(-1)! * 100) / 100 };
}

const rows = (db.query("SELECT COUNT(*) AS n FROM attempt_rollups").get() as { n: number }).n;
const relay = time(RELAY_SCOPE);
const endpoint = time("ep0");
db.close();
process.stdout.write(`${JSON.stringify({ attempts: written, rows, buildSeconds: Math.round(buildSeconds * 10) / 10, relay24h: relay, endpoint24h: endpoint })}\n`);
