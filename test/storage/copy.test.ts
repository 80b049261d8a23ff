/**
 * @module test/storage/copy
 * `hookrelay storage copy` from a SQLite file written by the outbox writers
 * (through the SQLite driver) into a real PostgreSQL database: every table
 * arrives row for row, as the PostgreSQL driver's own queries read it; the
 * backlog (pending, retrying, in flight, held, FIFO) is claimable in the
 * same order; sealed secrets open under the same key; new rows take seqs
 * past every copied or pruned one; a node started during the copy waits for
 * it; and the summary and the progress show no password.
 */
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { beforeEach, describe, expect, it } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { UsageError } from "../../src/cli/io";
import { storage } from "../../src/cli/storage-copy";
import { openDatabase } from "../../src/db/open";
import { type DeliveryFilter, NO_UPPER_SEQ } from "../../src/outbox/delivery-filter";
import { Sealer } from "../../src/sealing/sealer";
import { AttemptTally } from "../../src/stats/tally";
import { COPIED_TABLES } from "../../src/storage/copy/tables";
import { intoEmptyDatabase } from "../../src/storage/copy/target";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { LATEST_PG_SCHEMA } from "../../src/storage/postgres/migrate";
import { sqliteStorage } from "../../src/storage/sqlite/storage";
import type { Storage } from "../../src/storage/stores";
import { runInProcess } from "../cli/helpers";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { attempt, delivered, ids, ingest, NOW, request, retryAt } from "./conformance/fixtures";

const defer = deferCleanup();
const ALL: DeliveryFilter = { status: null, tenant: null, endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ };
const LATER = NOW + 1_000_000;
const sealer = new Sealer([randomBytes(32)]);
const SECRET = "whsec_current_0123456789abcdef";
const ROTATED = "whsec_previous_0123456789abcdef";
/** Every character COPY's text format escapes, its NULL marker and its end-of-data line, as text. */
const AWKWARD = "HTTP 500\nline 2\r\n\ttabbed \\ back\\slash \\N\n\\.\nend";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A SQLite file with every kind of row, written through the SQLite driver; answers its path and a config naming it. */
async function seededDatabase(): Promise<{ path: string; config: string }> {
  const tmp = tempDir();
  defer(tmp.remove);
  const path = join(tmp.dir, "hookrelay.db");
  const db = openDatabase(path, { sync: "normal" });
  const s = sqliteStorage(db, { nodeId: "single", leaseMs: 120_000 });
  await s.migrations.migrate();
  for (let i = 0; i < 8; i++) {
    await ingest(s, { id: `e${i}`, endpoints: ["a", "b"], tenant: i % 2 ? "acme" : null, orderingKey: `k${i % 2}`, at: NOW + i, data: `{"n":${i},"text":"naïve ☃ \\"quoted\\""}` });
  }
  for (let i = 0; i < 4; i++) await ingest(s, { id: `f${i}`, endpoints: ["f"], orderingKey: `k${i % 2}`, fifo: true, at: NOW + 10 + i });
  for (let i = 0; i < 3; i++) await ingest(s, { id: `h${i}`, endpoints: ["h"], held: true, at: NOW + 20 + i });
  await ingest(s, { id: "bare", endpoints: [], at: NOW + 30 });

  // On a: e0 delivered, e1 failed for good, e2 to be retried later, e3 left in flight by the stopped daemon.
  const [e0, e1, e2, e3] = (await s.claims.claim(request("a", 4), NOW + 100)).leased;
  expect(e3!.eventId).toBe("e3");
  const tally = new AttemptTally();
  tally.add("a", null, NOW + 101, "success", 12, "delivered");
  tally.add("a", "acme", NOW + 101, "http_error", 340, "failed");
  tally.add("a", null, NOW + 101, "timeout", 10_000, null);
  await s.outcomes.record([attempt(e0!, NOW + 101, delivered), attempt(e1!, NOW + 101, { status: "failed", nextAttemptAt: null, error: AWKWARD }), attempt(e2!, NOW + 101, retryAt(NOW + 60_000))], tally);
  // FIFO heads: k0's head f0 retries later and blocks f2; k1's head f1 is delivered, so f3 is next.
  const [f0, f1] = (await s.claims.claim(request("f", 4, { fifo: true }), NOW + 100)).leased;
  await s.outcomes.record([attempt(f0!, NOW + 101, retryAt(NOW + 30_000)), attempt(f1!, NOW + 101, delivered)], null);

  // The newest delivery, delivered and pruned: its seq is never handed out again.
  await ingest(s, { id: "pruned", endpoints: ["z"], at: NOW + 40 });
  const [z] = (await s.claims.claim(request("z", 1), NOW + 41)).leased;
  await s.outcomes.record([attempt(z!, NOW + 42, delivered)], null);
  expect(await s.retention.pruneDeliveries("delivered", NOW + 50, 10)).toBe(1);

  // a's failure counters are the ones its outcomes above counted; a state write leaves them.
  await s.endpointStates.save("a", { state: "active", disabledReason: null, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, configHash: "hash-a" });
  expect(await s.endpointStates.disable("h", "auto_disabled", "10 failures in a row", NOW + 200)).toBe(true);

  const first = sealer.seal(ROTATED);
  await s.apiEndpoints.insert("ep_1", "acme", '{"url":"https://a.example/hook","events":["*"]}', [first], NOW);
  await s.apiEndpoints.updateSecrets("ep_1", { current: [sealer.seal(SECRET)], previous: first, previousExpiresAt: NOW + 86_400_000 }, NOW + 1);
  await s.apiEndpoints.insert("ep_2", null, '{"url":"https://b.example/hook","events":["x"]}', [sealer.seal("whsec_gone")], NOW);
  await s.apiEndpoints.markDeleted("ep_2", NOW + 2);
  await s.endpointCreates.insert("acme", "key-1", "body-hash-1", sealer.seal(`{"secret":"${SECRET}"}`), NOW);
  await s.portalSessions.insert({ id: "ps_1", tenant: "acme", token_hash: sha256("token-1"), read_only: 1, created_at: NOW, expires_at: NOW + 3_600_000 });
  await s.portalSessions.insert({ id: "ps_2", tenant: "acme", token_hash: sha256("token-2"), read_only: 0, created_at: NOW, expires_at: NOW + 3_600_000 });
  await s.portalSessions.revoke("ps_2", NOW + 5);
  // Released now, as a stopped daemon's process releases it, not when the statements are collected.
  db.close(true);
  return { path, config: writeConfig(tmp.dir, `storage:\n  path: ${path}\nendpoints: []\n`) };
}

function sqliteRows(path: string, sql: string): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true, strict: true });
  try {
    return db.query(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describePostgres("hookrelay storage copy", (pg) => {
  const opened: Storage[] = [];
  defer(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const open = (s: Storage) => {
    opened.push(s);
    return s;
  };
  const target = () => open(postgresStorage({ url: pg.url, pool: 4, nodeId: "node-1", leaseMs: 120_000 }));
  const source = (path: string) => open(sqliteStorage(openDatabase(path, { sync: "normal" }), { nodeId: "single", leaseMs: 120_000 }));
  const withPassword = () => pg.url.replace("postgres://postgres@", "postgres://postgres:hunter2-not-shown@");

  beforeEach(async () => {
    const sql = new SQL(pg.url, { max: 1 });
    await sql.unsafe("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    await sql.close();
  });

  it("covers every table and column of the SQLite schema", async () => {
    const { path } = await seededDatabase();
    const tables = sqliteRows(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name").map((r) => r.name);
    expect(COPIED_TABLES.map((t) => t.name).sort()).toEqual(tables as string[]);
    for (const t of COPIED_TABLES) {
      const columns = sqliteRows(path, `PRAGMA table_info(${t.name})`).map((r) => r.name);
      expect([...t.columns.filter((c) => t.from?.[c] !== "rowid"), ...(t.sqliteOnly ?? [])].sort()).toEqual((columns as string[]).sort());
    }
  });

  it("copies every row of every table as it was, in-flight rows pending again, and answers the rows per table in --json without the password", async () => {
    const { path, config } = await seededDatabase();
    const out = await runInProcess(storage, ["copy", "--to", withPassword(), "--config", config, "--json"], {});
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).not.toContain("hunter2-not-shown");
    const summary = JSON.parse(out.stdout);
    expect(summary.from).toBe(path);
    expect(summary.to).toBe(pg.url.replace("postgres://postgres@", "postgres://postgres:***@"));
    const counts = Object.fromEntries(COPIED_TABLES.map((t) => [t.name, sqliteRows(path, `SELECT COUNT(*) AS n FROM ${t.name}`)[0]!.n]));
    expect(summary.tables).toEqual(counts);
    expect(counts).toEqual({ events: 16, deliveries: 23, attempts: 5, endpoint_state: 4, attempt_rollups: 3, api_endpoints: 2, endpoint_creates: 1, portal_sessions: 2 });

    // Row for row, in key order: what SQLite holds is what PostgreSQL now holds.
    const pgSql = new SQL(pg.url, { max: 1 });
    try {
      for (const t of COPIED_TABLES) {
        const want = sqliteRows(path, `SELECT ${t.name === "events" ? "rowid AS rid, " : ""}* FROM ${t.name} ORDER BY ${t.order}`).map((row) => {
          for (const c of t.sqliteOnly ?? []) delete row[c];
          return t.name === "deliveries" && row.status === "in_flight" ? { ...row, status: "pending" } : row;
        });
        const got = (await pgSql.unsafe(`SELECT ${t.columns.join(", ")} FROM ${t.name} ORDER BY ${t.order.replace("rowid", "rid")}`)) as Record<string, unknown>[];
        const numbered = got.map((row, i) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof want[i]?.[k] === "number" && v !== null ? Number(v) : v])));
        expect({ table: t.name, rows: numbered }).toEqual({ table: t.name, rows: want });
      }
    } finally {
      await pgSql.close();
    }

    // And as each driver's own queries answer them.
    const from = source(path);
    const to = target();
    const asPending = <T extends { status: string }>(row: T): T => (row.status === "in_flight" ? { ...row, status: "pending" } : row);
    const listed = (await from.queries.deliveries(ALL, 100)).map(asPending);
    expect(await to.queries.deliveries(ALL, 100)).toEqual(listed);
    for (const d of listed) expect({ seq: d.seq, attempts: await to.queries.attempts(d.seq) }).toEqual({ seq: d.seq, attempts: await from.queries.attempts(d.seq) });
    for (const id of ["e0", "e5", "f2", "h1", "bare"]) expect(await to.queries.event(id)).toEqual(await from.queries.event(id));
    expect(await to.endpointStates.loadAll()).toEqual(await from.endpointStates.loadAll());
    for (const scope of ["", "a"]) expect(await to.rollups.read(scope, 0, LATER, 60)).toEqual(await from.rollups.read(scope, 0, LATER, 60));
    expect((await to.rollups.read("", 0, LATER, 60_000_000))[0]).toMatchObject({ attempts: 3, success: 1, http_error: 1, timeout: 1 });
    const all = async (s: Storage) => {
      const rows = [];
      for await (const row of s.apiEndpoints.each()) rows.push(row);
      return rows.sort((x, y) => x.id.localeCompare(y.id));
    };
    expect(await all(to)).toEqual(await all(from));
    expect(await to.endpointCreates.find("acme", "key-1", 0)).toEqual(await from.endpointCreates.find("acme", "key-1", 0));
    expect(await to.portalSessions.byTokenHash(sha256("token-1"))).toEqual(await from.portalSessions.byTokenHash(sha256("token-1")));
    expect(await to.portalSessions.byId("ps_2")).toMatchObject({ read_only: 0, revoked_at: NOW + 5 });
    expect(await to.backlog.totals()).toEqual({ pending: 17, held: 3, failed: 1 });
  });

  it("leaves the backlog claimable from PostgreSQL in the order SQLite would hand it out, with its attempts and due times", async () => {
    const { config } = await seededDatabase();
    expect((await runInProcess(storage, ["copy", "--to", pg.url, "--config", config], {})).code).toBe(0);
    const to = target();
    // e3 was in flight: pending again at its due time, ahead of e2's retry.
    const a = (await to.claims.claim(request("a", 100), LATER)).leased;
    expect(ids(a)).toEqual(["e3", "e4", "e5", "e6", "e7", "e2"]);
    expect(a.find((d) => d.eventId === "e2")!.attempts).toBe(1);
    expect(ids((await to.claims.claim(request("b", 100), LATER)).leased)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"]);
    expect(ids((await to.claims.claim(request("f", 100, { fifo: true }), NOW + 200)).leased)).toEqual(["f3"]);
    expect(ids((await to.claims.claim(request("f", 100, { fifo: true }), LATER)).leased)).toEqual(["f0"]);
    expect((await to.claims.claim(request("h", 100), LATER)).leased).toEqual([]);
    expect(await to.endpointStates.releaseHeld("h", LATER)).toBe(3);
    expect(ids((await to.claims.claim(request("h", 100), LATER)).leased)).toEqual(["h0", "h1", "h2"]);
  });

  it("opens the copied secrets with the same key, and gives new rows seqs past every copied or pruned one", async () => {
    const { path, config } = await seededDatabase();
    expect((await runInProcess(storage, ["copy", "--to", pg.url, "--config", config], {})).code).toBe(0);
    const to = target();
    const ep = (await to.apiEndpoints.get("ep_1"))!;
    expect(sealer.open((JSON.parse(ep.secrets) as string[])[0]!)).toBe(SECRET);
    expect(sealer.open(ep.previous_secret!)).toBe(ROTATED);
    expect(sealer.open((await to.endpointCreates.find("acme", "key-1", 0))!.answer)).toBe(`{"secret":"${SECRET}"}`);

    const handedOut = sqliteRows(path, "SELECT seq AS n FROM sqlite_sequence WHERE name = 'deliveries'")[0]!.n as number;
    const lastRid = sqliteRows(path, "SELECT MAX(rowid) AS n FROM events")[0]!.n as number;
    expect(handedOut).toBeGreaterThan(sqliteRows(path, "SELECT MAX(seq) AS n FROM deliveries")[0]!.n as number);
    await ingest(to, { id: "after", endpoints: ["a"], at: LATER });
    const [fresh] = await to.queries.eventDeliveries("after");
    expect(fresh!.seq).toBe(handedOut + 1);
    const sql = new SQL(pg.url, { max: 1 });
    const [row] = await sql`SELECT rid FROM events WHERE id = 'after'`;
    await sql.close();
    expect(Number(row.rid)).toBe(lastRid + 1);
  });

  it("prints a table of the rows per table, and the URL without its password", async () => {
    const { path, config } = await seededDatabase();
    const out = await runInProcess(storage, ["copy", "--to", withPassword(), "--config", config], {});
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TABLE\s+ROWS$/);
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/))).toEqual(COPIED_TABLES.map((t) => [t.name, String(sqliteRows(path, `SELECT COUNT(*) AS n FROM ${t.name}`)[0]!.n)]));
    expect(lines.at(-1)).toMatch(new RegExp(`^copied 56 rows from ${path} to postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/${pg.name} in [0-9.]+ s$`));
    expect(out.stdout + out.stderr).not.toContain("hunter2-not-shown");
  });

  it("copies a database with no rows as a migrated, empty one whose first delivery is seq 1", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const db = openDatabase(join(tmp.dir, "hookrelay.db"), { sync: "normal" });
    await sqliteStorage(db, { nodeId: "single", leaseMs: 120_000 }).migrations.migrate();
    db.close(true);
    const config = writeConfig(tmp.dir, `storage:\n  path: ${join(tmp.dir, "hookrelay.db")}\nendpoints: []\n`);
    const out = await runInProcess(storage, ["copy", "--to", pg.url, "--config", config, "--json"], {});
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).tables).toEqual(Object.fromEntries(COPIED_TABLES.map((t) => [t.name, 0])));
    const to = target();
    expect(await to.migrations.schemaVersion()).toBe(LATEST_PG_SCHEMA);
    await ingest(to, { id: "first", endpoints: ["a"] });
    expect((await to.queries.eventDeliveries("first"))[0]!.seq).toBe(1);
  });

  it("holds the migrations' lock: a node started meanwhile waits, then finds the schema migrated and the rows in", async () => {
    const node = target();
    const observer = new SQL(pg.url, { max: 1 });
    const copier = new SQL(pg.url, { max: 1 });
    defer(() => observer.close(), () => copier.close());
    let migrating: Promise<void> | null = null;
    await intoEmptyDatabase(copier, "the test database", async (tx) => {
      migrating = node.migrations.migrate();
      await waitFor("the node to wait on the migrations' lock", async () => {
        const [row] = await observer`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
        return row.n === 1;
      });
      await tx`INSERT INTO events (id, type, data, created_at) VALUES ('e1', 'a', '{}', ${NOW})`;
    });
    await migrating;
    expect(await node.migrations.schemaVersion()).toBe(LATEST_PG_SCHEMA);
    expect((await node.queries.event("e1"))?.type).toBe("a");
  });

  it("shows progress on a terminal, on stderr, one line rewritten in place", async () => {
    const { config } = await seededDatabase();
    const out = await runInProcess(storage, ["copy", "--to", pg.url, "--config", config], {}, true);
    expect(out.code).toBe(0);
    const lines = ["events: 16 rows", "deliveries: 23 rows", "attempts: 5 rows", "endpoint_state: 4 rows", "attempt_rollups: 3 rows", "api_endpoints: 2 rows", "endpoint_creates: 1 row", "portal_sessions: 2 rows"];
    expect(out.stderr.split("\r\x1b[K")).toEqual(["", ...lines.map((l) => `copying ${l}`), ""]);
    expect(out.stdout).toStartWith("TABLE");
  });
});

describe("hookrelay storage copy, the words", () => {
  it("exits 2 on usage errors", async () => {
    for (const args of [[], ["copy"], ["move", "--to", "postgres://h/db"], ["copy", "--to", "mysql://h/db"], ["copy", "--to", "postgres://h/db", "extra"], ["copy", "--bogus"]]) {
      await expect(runInProcess(storage, args, {})).rejects.toBeInstanceOf(UsageError);
    }
  });
});
