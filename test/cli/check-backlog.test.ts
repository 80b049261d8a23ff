/**
 * @module test/cli/check-backlog — `check` names the backlog of endpoints removed from the config, and refuses ids the
 * endpoint API has taken, reading the database without writing it: the SQLite file always, PostgreSQL with --connect.
 */
import { SQL } from "bun";
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { check } from "../../src/cli/check";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { configYaml, tempDir, writeConfig } from "../helpers/relay";
import { checkPassed, cleanEnv, runCli, runInProcess } from "./helpers";

const defer = deferCleanup();

const endpoint = (id: string) => `  - id: ${id}\n    url: http://127.0.0.1:9/hook\n    events: ["*"]\n    secret: s\n`;

function seeded(): { dir: string; db: string } {
  const tmp = tempDir();
  defer(tmp.remove);
  const path = join(tmp.dir, "hookrelay.db");
  const db = openDatabase(path, { sync: "normal" });
  migrate(db);
  const add = (endpointId: string, status: string) =>
    db.run("INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES ('e', ?, 't', ?, 0, 0)", [endpointId, status]);
  add("kept", "pending");
  add("old-crm", "held");
  add("old-crm", "held");
  add("old-crm", "pending");
  add("old-crm", "failed");
  add("retired", "failed");
  add("retired", "delivered");
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return { dir: tmp.dir, db: path };
}

describe("check and removed endpoints", () => {
  it("reports removed endpoints that still have pending or held deliveries", async () => {
    const { dir, db } = seeded();
    const path = writeConfig(dir, configYaml(dir, endpoint("kept")));
    const out = await runInProcess(check, ["--config", path], {});
    const [ok, keyFile] = checkPassed(1, db).split("\n");
    expect(out).toEqual({
      code: 0,
      stdout: `${ok}\nremoved endpoint old-crm: 1 pending, 2 held, 1 failed; held until it is configured again\n${keyFile}\n`,
      stderr: "",
    });
    const json = JSON.parse((await runInProcess(check, ["--config", path, "--json"], {})).stdout);
    expect(json).toEqual({
      ok: true,
      endpoints: 1,
      removed_backlog: [{ endpoint_id: "old-crm", pending: 1, held: 2, failed: 1 }],
      key_file: { path: `${db}.key`, exists: false },
    });
  });

  it("never writes the database", async () => {
    const { dir, db } = seeded();
    const before = readFileSync(db);
    const mtime = statSync(db).mtimeMs;
    const path = writeConfig(dir, configYaml(dir, endpoint("kept")));
    const result = await runCli(["check", "--config", path], cleanEnv());
    expect(result.code).toBe(0);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(statSync(db).mtimeMs).toBe(mtime);
  });

  it("creates no database when there is none", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, endpoint("kept")));
    expect((await runInProcess(check, ["--config", path], {})).stdout).toBe(checkPassed(1, join(tmp.dir, "hookrelay.db")));
    expect(existsSync(join(tmp.dir, "hookrelay.db"))).toBe(false);
  });
});

describePostgres("check --connect and the PostgreSQL database", (pg) => {
  const storage = `  driver: postgres\n  url: PG_URL\n  encryption_key: ${"ab".repeat(32)}\n`;
  const configFor = (dir: string, endpoints: string) => writeConfig(dir, configYaml(dir, endpoints, "", storage.replace("PG_URL", pg.url)));

  it("reports removed endpoints' backlog and refuses a config id the endpoint API took, as on SQLite, writing nothing", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const fresh = await runCli(["check", "--config", configFor(tmp.dir, endpoint("kept")), "--connect", "--json"], cleanEnv());
    expect(JSON.parse(fresh.stdout)).toMatchObject({ ok: true, removed_backlog: [] });
    const store = postgresStorage({ url: pg.url, pool: 1, nodeId: "seed", leaseMs: 60_000 });
    await store.migrations.migrate();
    await store.close();
    const sql = new SQL(pg.url, { max: 1 });
    defer(() => sql.close());
    const add = (endpointId: string, status: string) =>
      sql`INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES ('e', ${endpointId}, 't', ${status}, 0, 0)`;
    for (const [id, status] of [["kept", "pending"], ["old-crm", "held"], ["old-crm", "held"], ["old-crm", "pending"], ["old-crm", "failed"], ["retired", "failed"], ["api-one", "pending"]]) {
      await add(id!, status!);
    }
    for (const id of ["api-one", "api-gone"]) {
      await sql`INSERT INTO api_endpoints (id, document, secrets, created_at, updated_at, deleted_at) VALUES (${id}, '{}', '[]', 0, 0, ${id === "api-gone" ? 1 : null})`;
    }
    const counted = async () => (await sql`SELECT (SELECT COUNT(*) FROM deliveries) + (SELECT COUNT(*) FROM api_endpoints) AS n`)[0].n;
    const rows = await counted();

    const out = await runCli(["check", "--config", configFor(tmp.dir, endpoint("kept")), "--connect"], cleanEnv());
    expect(out.code).toBe(0);
    expect(out.stdout).toStartWith("config ok: 1 endpoints\nremoved endpoint old-crm: 1 pending, 2 held, 1 failed; held until it is configured again\ndatabase ok: postgres ");
    const json = JSON.parse((await runCli(["check", "--config", configFor(tmp.dir, endpoint("kept")), "--connect", "--json"], cleanEnv())).stdout);
    expect(json.removed_backlog).toEqual([{ endpoint_id: "old-crm", pending: 1, held: 2, failed: 1 }]);

    const path = configFor(tmp.dir, endpoint("kept") + endpoint("api-gone"));
    const refused = await runCli(["check", "--config", path, "--connect"], cleanEnv());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^.*hookrelay\.yaml:\d+:\d+: endpoints\[1\]\.id: "api-gone" is taken by an endpoint created over the API \(ids of deleted ones are never used again\); choose another id\n$/);
    // Without --connect nothing is asked of the database, so the same config passes.
    expect((await runCli(["check", "--config", path], cleanEnv())).code).toBe(0);
    expect(await counted()).toBe(rows);
  });
});
