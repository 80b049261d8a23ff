/**
 * @module bench/raw-sqlite
 * Ceiling for storage: raw bun:sqlite inserts of what one ingested event
 * writes (a 1 KB event row and one delivery row) into hookrelay's own schema,
 * opened with the daemon's pragmas (WAL, synchronous=FULL), `batch` events
 * per transaction, with no HTTP in front. Prints one JSON line.
 *
 * usage: bun bench/raw-sqlite.ts '{"path": ..., "seconds": 5, "batch": 100}'
 */
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import { eventBody } from "./event";
import { round } from "./stats";

interface Options {
  readonly path: string;
  readonly seconds: number;
  readonly batch: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const db = openDatabase(options.path, { sync: "full" });
migrate(db);
const insertEvent = db.prepare("INSERT INTO events (id, type, data, ordering_key, occurred_at, created_at) VALUES (?, ?, ?, NULL, NULL, ?)");
const insertDelivery = db.prepare(
  `INSERT INTO deliveries (event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at)
   VALUES (?, 'ep0', 'bench.event', NULL, 'pending', ?, ?, ?)`,
);
const data = JSON.stringify((JSON.parse(eventBody(0)) as { data: unknown }).data);
let n = 0;
const writeBatch = db.transaction((now: number) => {
  for (let i = 0; i < options.batch; i++) {
    const id = `evt_${String(++n).padStart(26, "0")}`;
    insertEvent.run(id, "bench.event", data, now);
    insertDelivery.run(id, now, now, now);
  }
});
const started = performance.now();
const until = started + options.seconds * 1000;
while (performance.now() < until) writeBatch.immediate(Date.now());
const seconds = (performance.now() - started) / 1000;
db.close();
console.log(JSON.stringify({ events: n, seconds: round(seconds), eventsPerSec: round(n / seconds, 0), batch: options.batch }));
