/**
 * `hookrelay check --connect` as a user runs it: a real subprocess against a
 * real SQLite file and a real PostgreSQL server. The database URL is never
 * printed with its password.
 */
import { SQL } from "bun";
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LATEST_SCHEMA, migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { LATEST_PG_SCHEMA } from "../../src/storage/postgres/migrate";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { findPostgresBin, postgresServer } from "../helpers/postgres-server";
import { hookrelayCommand, tempDir } from "../helpers/relay";

const defer = deferCleanup();
const PASSWORD = "pw-never-shown";
const KEY = `  encryption_key: ${"ab".repeat(32)}\n`;
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("HOOKRELAY_")));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([...hookrelayCommand(), ...args], { env: cleanEnv, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

function configWith(storage: string): string {
  const tmp = tempDir();
  defer(tmp.remove);
  const path = join(tmp.dir, "hookrelay.yaml");
  writeFileSync(path, `storage:\n${storage}endpoints: []\n`);
  return path;
}

/** postgres://postgres:PASSWORD@host:port/db: the test server trusts the user, so the password is only there to be hidden. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

describe("check --connect on sqlite", () => {
  it("opens the file read-only and says its schema version", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const db = openDatabase(join(tmp.dir, "h.db"), { sync: "normal" });
    migrate(db);
    db.close();
    const config = configWith(`  path: ${join(tmp.dir, "h.db")}\n  encryption_key: ${"ab".repeat(32)}\n`);
    const result = await run(["check", "--config", config, "--connect"]);
    expect(result).toEqual({ code: 0, stdout: `config ok: 0 endpoints\ndatabase ok: sqlite ${join(tmp.dir, "h.db")} opens read-only, schema version ${LATEST_SCHEMA}, current\n`, stderr: "" });
  });

  it("fails, as serve would refuse to start, on a database of a newer hookrelay", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const db = openDatabase(join(tmp.dir, "h.db"), { sync: "normal" });
    db.run("PRAGMA user_version = 999");
    db.close();
    const result = await run(["check", "--config", configWith(`  path: ${join(tmp.dir, "h.db")}\n${KEY}`), "--connect"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `the database sqlite ${join(tmp.dir, "h.db")} opens read-only, but has schema version 999, newer than this hookrelay understands (${LATEST_SCHEMA}); run a newer hookrelay\n`,
    });
  });

  it("fails in one sentence when there is no database yet", async () => {
    const config = configWith("  path: ./none.db\n");
    const result = await run(["check", "--config", config, "--connect"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`the database ${join(config, "..", "none.db")} does not exist yet (serve creates it at its first start)\n`);
  });
});

describe("a postgres config without an encryption key", () => {
  it("is refused by check and by serve, at its key and before any connection, creating no key file", async () => {
    const config = configWith(`  driver: postgres\n  url: postgres://postgres:${PASSWORD}@127.0.0.1:1/nothing\n`);
    const expected = `${config}:2:11: storage.driver: driver postgres needs storage.encryption_key, encryption_key_file or encryption_keys, the same on every node\n`;
    const checked = await run(["check", "--config", config, "--connect"]);
    expect(checked).toEqual({ code: 1, stdout: "", stderr: expected });
    const served = await run(["serve", "--config", config]);
    expect(served.code).toBe(1);
    expect(served.stderr).toContain(expected);
    expect(served.stdout + served.stderr).not.toContain(PASSWORD);
    expect(existsSync(join(dirname(config), "data"))).toBe(false);
  });
});

describePostgres("check --connect on postgres", (db) => {
  it("says the database answers and its schema version, the password hidden", async () => {
    const url = withPassword(db.url);
    const config = configWith(`  driver: postgres\n  url: ${url}\n${KEY}`);
    const fresh = await run(["check", "--config", config, "--connect"]);
    expect(fresh.code).toBe(0);
    const shown = url.replace(PASSWORD, "***");
    expect(fresh.stdout).toContain(`database ok: postgres ${shown} answers, no schema yet (serve migrates it to version ${LATEST_PG_SCHEMA})\n`);
    const storage = postgresStorage({ url: db.url, pool: 1, nodeId: "n", leaseMs: 1 });
    await storage.migrations.migrate();
    await storage.close();
    const migrated = await run(["check", "--config", config, "--connect", "--json"]);
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout).database).toBe(`database ok: postgres ${shown} answers, schema version ${LATEST_PG_SCHEMA}, current`);
    expect(fresh.stdout + migrated.stdout + fresh.stderr + migrated.stderr).not.toContain(PASSWORD);
  });

  it("on a database of a newer hookrelay: check fails and serve refuses to start, each in one sentence", async () => {
    const url = withPassword(db.url);
    const storage = postgresStorage({ url: db.url, pool: 1, nodeId: "n", leaseMs: 1 });
    await storage.migrations.migrate();
    await storage.close();
    const sql = new SQL(db.url, { max: 1 });
    const before = await sql`SELECT version FROM hookrelay_schema`;
    await sql`UPDATE hookrelay_schema SET version = 999`;
    defer(async () => {
      await sql`UPDATE hookrelay_schema SET version = ${before[0].version}`;
      await sql.close();
    });
    const config = configWith(`  driver: postgres\n  url: ${url}\n${KEY}`);
    const shown = url.replace(PASSWORD, "***");
    const checked = await run(["check", "--config", config, "--connect"]);
    expect(checked).toEqual({
      code: 1,
      stdout: "",
      stderr: `the database postgres ${shown} answers, but has schema version 999, newer than this hookrelay understands (${LATEST_PG_SCHEMA}); run a newer hookrelay\n`,
    });
    const served = await run(["serve", "--config", config]);
    expect(served.code).toBe(1);
    expect(served.stderr).toBe(`hookrelay serve: the database has schema version 999, newer than this hookrelay understands (${LATEST_PG_SCHEMA}); run a newer hookrelay\n`);
    expect(await sql`SELECT version FROM hookrelay_schema`).toEqual([{ version: 999 }]);
  });

  it("fails in one sentence when nothing answers, the password hidden", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/nothing`;
    const result = await run(["check", "--config", configWith(`  driver: postgres\n  url: ${url}\n${KEY}`), "--connect"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith(`cannot reach the database postgres://postgres:***@127.0.0.1:${port}/nothing: `);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it("serve exits 1 in one sentence when the database does not answer, the password hidden, touching no local file", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/nothing`;
    const config = configWith(`  driver: postgres\n  url: ${url}\n${KEY}`);
    const result = await run(["serve", "--config", config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith(`hookrelay serve: cannot reach the database postgres://postgres:***@127.0.0.1:${port}/nothing: `);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    // Nothing of SQLite's is made on the way: no data folder beside the config.
    expect(existsSync(join(dirname(config), "data"))).toBe(false);
  });

  it("fails in one sentence on a wrong password, which it never prints; with the right one, says whether the role can read the schema", async () => {
    const server = await postgresServer(findPostgresBin()!);
    // The test server trusts every user; this role alone must give its password.
    const hba = join(server.dir, "data", "pg_hba.conf");
    const trusting = readFileSync(hba, "utf8");
    await server.admin(`CREATE ROLE relay_pw LOGIN PASSWORD 'right-pw'`);
    await server.admin("CREATE DATABASE relay_pw_own OWNER relay_pw");
    defer(async () => {
      writeFileSync(hba, trusting);
      await server.admin("SELECT pg_reload_conf()");
      await server.admin("DROP DATABASE relay_pw_own");
      await server.admin("DROP ROLE relay_pw");
    });
    writeFileSync(hba, `host all relay_pw 127.0.0.1/32 scram-sha-256\n${trusting}`);
    await server.admin("SELECT pg_reload_conf()");
    const as = (password: string) => {
      const u = new URL(db.url);
      u.username = "relay_pw";
      u.password = password;
      return u.toString();
    };
    const wrong = as(PASSWORD);
    const refused = await run(["check", "--config", configWith(`  driver: postgres\n  url: ${wrong}\n${KEY}`), "--connect"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toStartWith(`cannot reach the database ${wrong.replace(PASSWORD, "***")}: `);
    expect(refused.stderr).toContain("password authentication failed");
    expect(refused.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(refused.stderr).not.toContain(PASSWORD);
    const served = await run(["serve", "--config", configWith(`  driver: postgres\n  url: ${wrong}\n${KEY}`)]);
    expect(served.code).toBe(1);
    expect(served.stderr).toStartWith(`hookrelay serve: cannot reach the database ${wrong.replace(PASSWORD, "***")}: `);
    expect(served.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(served.stdout + served.stderr).not.toContain(PASSWORD);
    // The right password on the test's database, migrated by the superuser: reached, but its tables are not this role's.
    const mine = (await run(["check", "--config", configWith(`  driver: postgres\n  url: ${as("right-pw")}\n${KEY}`), "--connect"])).stderr;
    expect(mine).toBe(`the database ${as("***")} answers but its hookrelay schema cannot be read: permission denied for table hookrelay_schema\n`);
    const own = new URL(as("right-pw"));
    own.pathname = "/relay_pw_own";
    const right = await run(["check", "--config", configWith(`  driver: postgres\n  url: ${own}\n${KEY}`), "--connect"]);
    expect(right.stderr).toBe("");
    expect(right.code).toBe(0);
    expect(right.stdout).toContain(`database ok: postgres ${String(own).replace("right-pw", "***")} answers, no schema yet`);
    expect(right.stdout + right.stderr).not.toContain("right-pw");
  });
});
