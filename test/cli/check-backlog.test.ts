/** @module test/cli/check-backlog — `check` names the backlog of endpoints removed from the config, reading the database without writing it. */
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { check } from "../../src/cli/check";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { deferCleanup } from "../helpers/cleanup";
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
