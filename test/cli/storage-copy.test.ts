/**
 * @module test/cli/storage-copy
 * `hookrelay storage copy` as a subprocess beside real daemons (subprocesses
 * too). What a daemon wrote arrives: an API endpoint whose secret opens with
 * the key file beside the SQLite file, a portal session, and after kill -9
 * every event it answered 202. It refuses when a daemon has the database
 * open, the PostgreSQL database is not empty, or the SQLite file is missing,
 * not a database or of another schema; it fails when PostgreSQL does not
 * answer or a row fails half-way. Each exits 1 with one sentence, shows no
 * password, and leaves the PostgreSQL database as it was. While it copies,
 * no daemon can start on the file.
 */
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { beforeEach, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../src/db/open";
import { LATEST_SCHEMA } from "../../src/db/migrate";
import { NO_UPPER_SEQ } from "../../src/outbox/delivery-filter";
import { loadKeys } from "../../src/sealing/keys";
import { Sealer } from "../../src/sealing/sealer";
import { openSource } from "../../src/storage/copy/source";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { LATEST_PG_SCHEMA } from "../../src/storage/postgres/migrate";
import { sqliteStorage } from "../../src/storage/sqlite/storage";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { describePostgres } from "../helpers/postgres";
import { ADMIN_TOKEN, configYaml, hookrelayCommand, INGEST_TOKEN, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { ingest, NOW } from "../storage/conformance/fixtures";
import { cleanEnv, runCli } from "./helpers";

const defer = deferCleanup();
const PASSWORD = "hunter2-not-shown";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function post(url: string, body: unknown): Promise<string> {
  return (await call(url, "/v1/events", INGEST_TOKEN, body, 202)).id as string;
}

async function call(url: string, path: string, token: string, body: unknown, status: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(status);
  return (await res.json()) as Record<string, unknown>;
}

/** A folder with a config whose database is `hookrelay.db` in it, and no endpoints. */
function folder(): { dir: string; path: string; config: string } {
  const tmp = tempDir();
  defer(tmp.remove);
  const config = writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []"));
  return { dir: tmp.dir, path: join(tmp.dir, "hookrelay.db"), config };
}

/** A stopped daemon's database with three events, written through the SQLite driver. */
async function stoppedDatabase(): Promise<{ path: string; config: string }> {
  const f = folder();
  const db = openDatabase(f.path, { sync: "normal" });
  const s = sqliteStorage(db, { nodeId: "single", leaseMs: 120_000 });
  await s.migrations.migrate();
  for (let i = 0; i < 3; i++) await ingest(s, { id: `e${i}`, endpoints: ["a"], at: NOW + i });
  db.close(true);
  return f;
}

describePostgres("hookrelay storage copy beside real daemons", (pg) => {
  const url = () => pg.url.replace("postgres://postgres@", `postgres://postgres:${PASSWORD}@`);
  const shown = () => pg.url.replace("postgres://postgres@", "postgres://postgres:***@");
  const query = async (text: string) => {
    const sql = new SQL(pg.url, { max: 1 });
    try {
      return (await sql.unsafe(text)) as Record<string, unknown>[];
    } finally {
      await sql.close();
    }
  };
  /** What the PostgreSQL database holds: each table of the public schema with its rows. */
  const contents = async () => {
    const tables = (await query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).map((r) => r.tablename as string);
    return Promise.all(tables.map(async (t) => ({ table: t, rows: await query(`SELECT * FROM ${t}`) })));
  };
  const copy = (config: string, to = url()) => runCli(["storage", "copy", "--to", to, "--config", config], cleanEnv());
  /** Exit 1 with exactly `sentence`, and no password anywhere. */
  const refused = (out: { code: number; stdout: string; stderr: string }, sentence: string) => {
    expect(out).toEqual({ code: 1, stdout: "", stderr: `hookrelay storage: ${sentence}\n` });
    expect(out.stderr).not.toContain(PASSWORD);
  };

  beforeEach(() => query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"));

  it("refuses while a daemon has the database open, and copies once it has stopped", async () => {
    const f = folder();
    const relay = await spawnRelay(f.config);
    defer(async () => {
      relay.proc.kill("SIGTERM");
      await relay.exited;
    });
    await post(relay.url, { type: "a", data: {} });
    refused(await copy(f.config), `the database ${f.path} is in use by another process; stop the daemon (and any backup or check reading it) and run the copy again`);
    expect(await contents()).toEqual([]);

    relay.proc.kill("SIGTERM");
    expect(await relay.exited).toBe(0);
    const out = await copy(f.config);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(await query("SELECT type FROM events")).toEqual([{ type: "a" }]);
  });

  it("copies what a real daemon wrote: an API endpoint whose secret opens with the key file beside the SQLite file, a portal session found by its token", async () => {
    const f = folder();
    const relay = await spawnRelay(f.config);
    defer(async () => {
      relay.proc.kill("SIGTERM");
      await relay.exited;
    });
    const endpoint = await call(relay.url, "/v1/endpoints", ADMIN_TOKEN, { tenant: "acme", url: "http://127.0.0.1:9/hook", events: ["*"] }, 201);
    const session = await call(relay.url, "/v1/portal/sessions", ADMIN_TOKEN, { tenant: "acme" }, 201);
    await post(relay.url, { type: "a", tenant: "acme", data: {} });
    relay.proc.kill("SIGTERM");
    expect(await relay.exited).toBe(0);

    const out = await copy(f.config);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const to = postgresStorage({ url: pg.url, pool: 2, nodeId: "node-1", leaseMs: 120_000 });
    defer(() => to.close());
    const row = (await to.apiEndpoints.get(endpoint.id as string))!;
    const sealer = new Sealer(loadKeys([], f.path).keys);
    expect(sealer.open((JSON.parse(row.secrets) as string[])[0]!)).toBe(endpoint.secret as string);
    const hash = createHash("sha256").update(session.token as string).digest("hex");
    expect(await to.portalSessions.byTokenHash(hash)).toMatchObject({ id: session.id, tenant: "acme", revoked_at: null });
    expect((await to.queries.deliveries({ status: null, tenant: "acme", endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ }, 10)).map((d) => d.endpoint_id)).toEqual([endpoint.id as string]);
  });

  it("holds the file so that no daemon starts on it during the copy", async () => {
    const f = await stoppedDatabase();
    const held = openSource(f.path);
    defer(() => held.close(true));
    const proc = Bun.spawn([...hookrelayCommand(), "serve", "--config", f.config], { env: cleanEnv(), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(1);
    expect(stdout + stderr).toContain(`cannot write the database ${f.path}: database is locked`);
  });

  it("copies after a daemon was killed with kill -9: every event it answered 202 arrives, what it had in flight pending again", async () => {
    const receiver = startReceiver(() => new Promise<Response>(() => {}));
    const f = folder();
    defer(() => receiver.close());
    writeConfig(f.dir, configYaml(f.dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`));
    const relay = await spawnRelay(f.config);
    const answered: string[] = [];
    for (let i = 0; i < 20; i++) answered.push(await post(relay.url, { type: "a", data: { i } }));
    await receiver.waitForRequests(1);
    relay.proc.kill("SIGKILL");
    await relay.exited;
    expect(existsSync(`${f.path}-wal`)).toBe(true);

    const out = await copy(f.config);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect((await query("SELECT id FROM events ORDER BY rid")).map((r) => r.id)).toEqual(answered);
    expect(await query("SELECT status, count(*)::int AS n FROM deliveries GROUP BY status")).toEqual([{ status: "pending", n: 20 }]);
  });

  it("refuses a database that holds a hookrelay schema, with rows or none", async () => {
    const f = await stoppedDatabase();
    expect((await copy(f.config)).code).toBe(0);
    const before = await contents();
    refused(await copy(f.config), `${shown()} already holds a hookrelay schema (version ${LATEST_PG_SCHEMA}); storage copy writes only into an empty database`);
    expect(await contents()).toEqual(before);

    await query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    const empty = await stoppedDatabase();
    await query("CREATE TABLE hookrelay_schema (version integer NOT NULL); INSERT INTO hookrelay_schema VALUES (1)");
    refused(await copy(empty.config), `${shown()} already holds a hookrelay schema (version 1); storage copy writes only into an empty database`);
    expect(await contents()).toEqual([{ table: "hookrelay_schema", rows: [{ version: 1 }] }]);
  });

  it("refuses a database with a table of hookrelay's name, with rows or without", async () => {
    const f = await stoppedDatabase();
    await query("CREATE TABLE deliveries (seq bigint); INSERT INTO deliveries VALUES (7)");
    refused(await copy(f.config), `${shown()} is not empty: its table deliveries has rows; storage copy writes only into an empty database`);
    expect(await contents()).toEqual([{ table: "deliveries", rows: [{ seq: "7" }] }]);
    await query("DELETE FROM deliveries");
    refused(await copy(f.config), `${shown()} is not empty: it has a table named deliveries; storage copy writes only into an empty database`);
    expect(await contents()).toEqual([{ table: "deliveries", rows: [] }]);
  });

  it("refuses without a database, with a file that is not one, or with one of another schema version", async () => {
    const f = folder();
    refused(await copy(f.config), `there is no database at ${f.path}; nothing was copied`);
    writeFileSync(f.path, "not a database, but long enough that SQLite reads a header from it: ".repeat(4));
    refused(await copy(f.config), `cannot open the database ${f.path}: file is not a database; nothing was copied`);
    for (const [version, sentence] of [
      [3, `the database ${f.path} has schema version 3, older than this hookrelay's (${LATEST_SCHEMA}); start this hookrelay's serve on it once so it migrates, stop it, and run the copy again`],
      [99, `the database ${f.path} has schema version 99, newer than this hookrelay understands (${LATEST_SCHEMA}); run a newer hookrelay`],
    ] as const) {
      writeFileSync(f.path, "");
      const db = new Database(f.path, { create: true });
      db.run(`PRAGMA user_version = ${version}`);
      db.close(true);
      refused(await copy(f.config), sentence);
    }
    expect(await contents()).toEqual([]);
  });

  it("says in one sentence without the password that PostgreSQL does not answer", async () => {
    const f = await stoppedDatabase();
    const nowhere = `postgres://postgres:${PASSWORD}@127.0.0.1:1/hookrelay`;
    const out = await copy(f.config, nowhere);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toStartWith("hookrelay storage: cannot copy into postgres://postgres:***@127.0.0.1:1/hookrelay: ");
    expect(out.stderr).toEndWith("; nothing was written\n");
    expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(out.stderr).not.toContain(PASSWORD);
  });

  it("keeps nothing of a copy that fails half-way: the schema and the rows before go with it", async () => {
    const f = await stoppedDatabase();
    // A NUL character, which no PostgreSQL text can hold, in a delivery: the events are written by then.
    const db = new Database(f.path);
    db.run("UPDATE deliveries SET last_error = ? WHERE event_id = 'e2'", ["a\u0000b"]);
    db.close(true);
    const out = await copy(f.config);
    expect(out.code).toBe(1);
    expect(out.stderr).toStartWith(`hookrelay storage: cannot copy into ${shown()}: `);
    expect(out.stderr).toEndWith(" (copying deliveries); nothing was written\n");
    expect(await contents()).toEqual([]);
  });
});
