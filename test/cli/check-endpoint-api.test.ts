/**
 * @module test/cli/check-endpoint-api
 * `check` and `serve` beside endpoints created over the API, on a database a
 * real daemon wrote: API endpoints are not "removed" endpoints, a config
 * that declares an id the API has (or had) is refused by both, and without
 * a configured key `check` names the key file that must be backed up.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check } from "../../src/cli/check";
import { openDatabase } from "../../src/db/open";
import m001 from "../../src/db/migrations/001_init.sql" with { type: "text" };
import m002 from "../../src/db/migrations/002_admin_indexes.sql" with { type: "text" };
import m003 from "../../src/db/migrations/003_retention_indexes.sql" with { type: "text" };
import m004 from "../../src/db/migrations/004_lighter_ingest.sql" with { type: "text" };
import m005 from "../../src/db/migrations/005_status_by_endpoint.sql" with { type: "text" };
import { deferCleanup } from "../helpers/cleanup";
import { configYaml, startRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { cleanEnv, runCli, runInProcess } from "./helpers";

const defer = deferCleanup();
const endpoint = (id: string, extra = "") => `  - id: ${id}\n    url: http://127.0.0.1:9/${id}\n    events: ["*"]\n    secret: s\n${extra}`;
/** 32 bytes, base64. */
const KEY = Buffer.alloc(32, 7).toString("base64");

let seeded: ReturnType<typeof tempDir>;
let dir: string;
let db: string;

/** A config on the seeded database with these endpoints (YAML list items). */
const config = (endpointsYaml: string, name = "hookrelay.yaml") => {
  const path = join(dir, name);
  writeFileSync(path, configYaml(dir, endpointsYaml));
  return path;
};

beforeAll(async () => {
  seeded = tempDir();
  dir = seeded.dir;
  db = join(dir, "hookrelay.db");
  // old-crm holds deliveries while disabled; it is then left out of the configs checked below.
  const relay = await startRelay(configYaml(dir, endpoint("kept") + endpoint("old-crm", "    enabled: false\n")), { dir });
  const create = async (body: Record<string, unknown>) => expect((await relay.admin("POST", "/v1/endpoints", { url: "http://127.0.0.1:9/api", events: ["*"], ...body })).status).toBe(201);
  await create({ id: "api-live", enabled: false });
  await create({ id: "api-gone" });
  expect((await relay.admin("DELETE", "/v1/endpoints/api-gone")).status).toBe(204);
  expect((await relay.post("/v1/events", { type: "order.paid", data: {} })).status).toBe(202);
  const held = (id: string) => relay.db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM deliveries WHERE endpoint_id = ? AND status = 'held'").get(id)!.n;
  await waitFor("held deliveries for old-crm and api-live", () => held("old-crm") === 1 && held("api-live") === 1);
  await relay.stop();
});
afterAll(() => seeded.remove());

describe("check beside endpoints created over the API", () => {
  it("does not report API endpoints as removed, only endpoints gone from the config", async () => {
    const path = config(endpoint("kept"));
    const out = await runInProcess(check, ["--config", path], {});
    expect(out.code).toBe(0);
    expect(out.stdout.split("\n")).toEqual([
      "config ok: 1 endpoints",
      "removed endpoint old-crm: 0 pending, 1 held, 0 failed; held until it is configured again",
      `key file ${db}.key encrypts the stored secrets of endpoints created over the API; back it up with the database`,
      "",
    ]);
    const json = JSON.parse((await runInProcess(check, ["--config", path, "--json"], {})).stdout);
    expect(json).toEqual({
      ok: true,
      endpoints: 1,
      removed_backlog: [{ endpoint_id: "old-crm", pending: 0, held: 1, failed: 0 }],
      key_file: { path: `${db}.key`, exists: true },
    });
  });

  it("refuses a config that declares ids the API has or had, at each id, exit 1, without writing the database", async () => {
    const path = config(endpoint("kept") + endpoint("api-live") + endpoint("api-gone"), "taken.yaml");
    const before = readFileSync(db);
    const mtime = statSync(db).mtimeMs;
    const out = await runCli(["check", "--config", path], cleanEnv());
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    const message = (id: string) => `"${id}" is taken by an endpoint created over the API (ids of deleted ones are never used again); choose another id`;
    // The value of each `- id:`, whose key starts in column 5.
    const lineOf = (id: string) => readFileSync(path, "utf8").split("\n").indexOf(`  - id: ${id}`) + 1;
    expect(out.stderr.split("\n")).toEqual([
      `${path}:${lineOf("api-live")}:9: endpoints[1].id: ${message("api-live")}`,
      `${path}:${lineOf("api-gone")}:9: endpoints[2].id: ${message("api-gone")}`,
      "",
    ]);
    const json = JSON.parse((await runInProcess(check, ["--config", path, "--json"], {})).stdout);
    expect(json).toEqual({
      ok: false,
      errors: [
        { file: path, line: lineOf("api-live"), col: 9, path: "endpoints[1].id", message: message("api-live") },
        { file: path, line: lineOf("api-gone"), col: 9, path: "endpoints[2].id", message: message("api-gone") },
      ],
    });
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(statSync(db).mtimeMs).toBe(mtime);
  });

  it("reads a database from before the endpoint API, which has no API endpoints", async () => {
    const old = tempDir();
    defer(old.remove);
    const path = join(old.dir, "hookrelay.db");
    const conn = openDatabase(path, { sync: "normal" });
    for (const sql of [m001, m002, m003, m004, m005]) conn.run(sql);
    conn.run("PRAGMA user_version = 5");
    conn.run("INSERT INTO deliveries (event_id, endpoint_id, event_type, status, created_at, updated_at) VALUES ('e', 'gone', 't', 'held', 0, 0)");
    conn.close();
    const out = await runInProcess(check, ["--config", writeConfig(old.dir, configYaml(old.dir, endpoint("kept")))], {});
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("\nremoved endpoint gone: 0 pending, 1 held, 0 failed;");
    expect(out.stderr).toBe("");
  });

  it("says the key file does not exist yet before the first start, and says nothing of it when a key is configured", async () => {
    const fresh = tempDir();
    defer(fresh.remove);
    const path = writeConfig(fresh.dir, configYaml(fresh.dir, endpoint("kept")));
    const key = join(fresh.dir, "hookrelay.db.key");
    expect((await runInProcess(check, ["--config", path], {})).stdout).toBe(
      `config ok: 1 endpoints\nkey file ${key} does not exist yet; serve creates it at its first start to encrypt the stored secrets of endpoints created over the API; back it up with the database\n`,
    );
    expect(JSON.parse((await runInProcess(check, ["--config", path, "--json"], {})).stdout).key_file).toEqual({ path: key, exists: false });
    expect(existsSync(key)).toBe(false);

    writeConfig(fresh.dir, configYaml(fresh.dir, endpoint("kept")).replace("storage:\n", `storage:\n  encryption_key: ${KEY}\n`));
    expect((await runInProcess(check, ["--config", path], {})).stdout).toBe("config ok: 1 endpoints\n");
    expect(JSON.parse((await runInProcess(check, ["--config", path, "--json"], {})).stdout).key_file).toBeNull();
  });
});

describe("serve with a config that takes an API endpoint's id", () => {
  it("exits 1 with one sentence naming the id", async () => {
    const path = config(endpoint("kept") + endpoint("api-live"), "serve-taken.yaml");
    const out = await runCli(["serve", "--config", path], cleanEnv());
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('hookrelay serve: the config declares endpoint id "api-live", already taken by the endpoint API; rename it in the config\n');
  });

  it("exits 1 with one sentence when the stored secrets were sealed under a key file that is gone", async () => {
    const lost = tempDir();
    defer(lost.remove);
    const path = writeConfig(lost.dir, configYaml(lost.dir, endpoint("kept")));
    const relay = await startRelay(readFileSync(path, "utf8"), { dir: lost.dir });
    expect((await relay.admin("POST", "/v1/endpoints", { url: "http://127.0.0.1:9/api", events: ["*"] })).status).toBe(201);
    await relay.stop();
    const keyFile = join(lost.dir, "hookrelay.db.key");
    rmSync(keyFile);
    const out = await runCli(["serve", "--config", path], cleanEnv());
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      new RegExp(
        `^hookrelay serve: cannot open the stored secrets of endpoints created over the API: sealed under key \\S+, which is not configured \\(storage\\.encryption_keys\\); the key file ${keyFile} must be the one backed up with the database\n$`,
      ),
    );
  });
});
