/**
 * @module bench/raw-sqlite
 * Ceiling for storage: raw bun:sqlite inserts of what one ingested event
 * writes (a 1 KB event row and one delivery row) into hookrelay's own schema,
 * opened with the daemon's pragmas (WAL, synchronous=FULL), `batch` events
 * per transaction, with no HTTP in front. With `outcomes`, each batch is
 * followed by what its delivered attempts write (an attempt row with the
 * headers sent, the delivery marked delivered) in a second transaction
 * without the fsync, as the daemon records outcomes: every row one event
 * costs from ingest to delivery. Prints one JSON line, with the process's
 * CPU (all threads, from /proc) per event over the measured writes.
 *
 * usage: bun bench/raw-sqlite.ts '{"path": ..., "seconds": 5, "batch": 100, "outcomes": false}'
 */
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import { relaxedSync } from "../src/db/relaxed-sync";
import { eventBody } from "./event";
import { cpuSeconds } from "./proc";
import { round } from "./stats";

interface Options {
  readonly path: string;
  readonly seconds: number;
  readonly batch: number;
  readonly outcomes?: boolean;
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const db = openDatabase(options.path, { sync: "full" });
migrate(db);
const insertEvent = db.prepare("INSERT INTO events (id, type, data, ordering_key, occurred_at, created_at) VALUES (?, ?, ?, NULL, NULL, ?)");
const insertDelivery = db.prepare(
  `INSERT INTO deliveries (event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at)
   VALUES (?, 'ep0', 'bench.event', NULL, 'pending', ?, ?, ?)`,
);
const insertAttempt = db.prepare(
  `INSERT INTO attempts (delivery_seq, n, started_at, duration_ms, status_code, error, request_headers, response_excerpt)
   VALUES (?, 1, ?, 1, 200, NULL, ?, NULL)`,
);
const markDelivered = db.prepare(
  "UPDATE deliveries SET status = 'delivered', attempts = 1, next_attempt_at = NULL, last_status_code = 200, updated_at = ?1, delivered_at = ?1 WHERE seq = ?2",
);
const data = JSON.stringify((JSON.parse(eventBody(0)) as { data: unknown }).data);
/** The headers a Standard Webhooks delivery sends, as the attempt row stores them. */
function headersSent(id: string, now: number): string {
  return JSON.stringify({
    "content-type": "application/json",
    "user-agent": "hookrelay/0.1.0",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now / 1000)),
    "webhook-signature": `v1,${"x".repeat(44)}`,
  });
}
let n = 0;
const writeBatch = db.transaction((now: number) => {
  const seqs: { seq: number; id: string }[] = [];
  for (let i = 0; i < options.batch; i++) {
    const id = `evt_${String(++n).padStart(26, "0")}`;
    insertEvent.run(id, "bench.event", data, now);
    const { lastInsertRowid } = insertDelivery.run(id, now, now, now);
    seqs.push({ seq: Number(lastInsertRowid), id });
  }
  return seqs;
});
const recordBatch = db.transaction((seqs: readonly { seq: number; id: string }[], now: number) => {
  for (const { seq, id } of seqs) {
    insertAttempt.run(seq, now, headersSent(id, now));
    markDelivered.run(now, seq);
  }
});
const relaxed = relaxedSync(db);
const cpuFrom = cpuSeconds(process.pid);
const started = performance.now();
const until = started + options.seconds * 1000;
while (performance.now() < until) {
  const seqs = writeBatch.immediate(Date.now());
  if (options.outcomes) relaxed(() => recordBatch.immediate(seqs, Date.now()));
}
const seconds = (performance.now() - started) / 1000;
const cpuUsPerEvent = round(((cpuSeconds(process.pid) - cpuFrom) * 1e6) / n, 1);
db.close();
console.log(JSON.stringify({ events: n, seconds: round(seconds), eventsPerSec: round(n / seconds, 0), batch: options.batch, cpuUsPerEvent }));
