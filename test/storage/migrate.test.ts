import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { migrate, SchemaTooNewError, schemaVersion } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { deferCleanup } from "../helpers/cleanup";
import { configYaml, hookrelayCommand, tempDir, writeConfig } from "../helpers/relay";

const defer = deferCleanup();

describe("migrations", () => {
  it("bring a new database to the current schema once, and are idempotent", () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const db = openDatabase(join(tmp.dir, "m.db"), { sync: "full" });
    migrate(db);
    const version = schemaVersion(db);
    expect(version).toBeGreaterThanOrEqual(3);
    migrate(db);
    expect(schemaVersion(db)).toBe(version);
    db.close();
  });

  it("refuse a database from a newer hookrelay, and serve says so in one sentence", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const path = join(tmp.dir, "hookrelay.db");
    const newer = new Database(path, { create: true });
    newer.run("PRAGMA user_version = 999");
    newer.close();
    const db = openDatabase(path, { sync: "full" });
    expect(() => migrate(db)).toThrow(SchemaTooNewError);
    db.close();

    const config = writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []"));
    const proc = Bun.spawn([...hookrelayCommand(), "serve", "--config", config], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toMatch(
      /^hookrelay serve: the database has schema version 999, newer than this hookrelay understands \(\d+\); run a newer hookrelay\n$/,
    );
  });
});
