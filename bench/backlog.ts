/**
 * @module bench/backlog
 * The 1,000,000-delivery backlog, written straight into a database file with
 * bun:sqlite before the daemon starts (inserting through the API would take
 * most of the benchmark's time budget), and the claim timing on it.
 *
 *   build — `count` events of 1 KB, one pending delivery each for `endpoint`,
 *           due a year from now so the daemon leaves them pending while
 *           ingest is measured beside them; with `held`, the endpoint is
 *           disabled and the deliveries held instead (a backlog that drains
 *           when it is enabled), and with `keys`, the endpoint is FIFO and
 *           the events take the keys in turn (marked as migration 008 does);
 *   claim — times `rounds` claims of `limit` rows through the daemon's own
 *           Claims class, with the clock set past the backlog's due time so
 *           every row is due.
 *
 * usage: bun bench/backlog.ts '{"mode": "build", "path": ..., "endpoint": "ep0", "count": 1000000}'
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import { Claims } from "../src/outbox/claims";
import { FifoHeads } from "../src/outbox/fifo-heads";
import { eventBody } from "./event";
import { round } from "./stats";

interface Options {
  readonly mode: "build" | "claim";
  readonly path: string;
  readonly endpoint: string;
  readonly count?: number;
  readonly held?: boolean;
  /** With held: the endpoint's config hash as the daemon stores it, so its start takes the endpoint as unchanged. */
  readonly configHash?: string;
  readonly keys?: number;
  readonly limit?: number;
  readonly rounds?: number;
}

const YEAR_MS = 365 * 86_400_000;
/** The ordering key of the i-th event given the parameters (keys, keys): none when keys is 0. */
const KEY_OF_I = "CASE WHEN ? > 0 THEN printf('key%d', i % ?) END";

const options = JSON.parse(process.argv[2] ?? "{}") as Options;

if (options.mode === "build") {
  const started = performance.now();
  // No journal and no syncing while building: this is set-up, not a measured
  // write path, and writing 1.5 GB once instead of twice (WAL, then checkpoint)
  // halves its time. The file is switched to WAL, as the daemon expects, at the end.
  mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { create: true, strict: true });
  db.run("PRAGMA journal_mode = OFF");
  db.run("PRAGMA synchronous = OFF");
  migrate(db);
  const now = Date.now();
  const data = JSON.stringify((JSON.parse(eventBody(0)) as { data: unknown }).data);
  const count = options.count ?? 1_000_000;
  // One recursive CTE per table keeps the million rows inside SQLite's C loop.
  db.transaction(() => {
    db.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO events (id, type, data, ordering_key, created_at)
       SELECT printf('evt_backlog%015d', i), 'bench.backlog', ?, ${KEY_OF_I}, ? FROM n`,
      [count, data, options.keys ?? 0, options.keys ?? 1, now],
    );
    db.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO deliveries (event_id, endpoint_id, event_type, fifo_key, status, next_attempt_at, created_at, updated_at)
       SELECT printf('evt_backlog%015d', i), ?, 'bench.backlog', ${KEY_OF_I}, ?, ? + i, ?, ? FROM n`,
      [count, options.endpoint, options.keys ?? 0, options.keys ?? 1, options.held ? "held" : "pending", now + YEAR_MS, now, now],
    );
    if (options.keys) new FifoHeads(db).markFronts(options.endpoint);
    if (options.held) {
      db.run("INSERT INTO endpoint_state (endpoint_id, state, disabled_reason, config_hash) VALUES (?, 'disabled', 'held for the benchmark', ?)", [
        options.endpoint,
        options.configHash ?? null,
      ]);
    }
  }).immediate();
  db.run("PRAGMA journal_mode = WAL");
  db.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ deliveries: count, seconds: round(seconds), bytes: Bun.file(options.path).size }));
} else {
  const db = openDatabase(options.path, { sync: "full" });
  const claims = new Claims(db);
  const pending = (db.query("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'").get() as { n: number }).n;
  const later = Date.now() + 2 * YEAR_MS;
  const limit = options.limit ?? 64;
  const times: number[] = [];
  for (let i = 0; i < (options.rounds ?? 20); i++) {
    const t = performance.now();
    const claimed = claims.lease(claims.due({ endpointId: options.endpoint, fifo: false, limit }, later).rows, later);
    times.push(performance.now() - t);
    if (claimed.length !== limit) throw new Error(`claimed ${claimed.length} rows, expected ${limit}`);
  }
  // Put the leased rows back so the file can be measured again.
  claims.requeueInFlight();
  db.close();
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)]!;
  console.log(JSON.stringify({ pending, limit, rounds: times.length, p50Ms: round(p50, 3), maxMs: round(times.at(-1)!, 3) }));
}
