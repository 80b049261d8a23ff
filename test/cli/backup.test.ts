/**
 * @module test/cli/backup
 * `hookrelay backup` as a subprocess beside a daemon (also a subprocess) that
 * ingests and delivers all the while: the copy holds every event answered 202
 * before the backup began, passes SQLite's integrity check, needs no WAL, and
 * restores into a daemon that serves it; an existing file is replaced only
 * with --force; bad words on the command line exit 2.
 */
import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { configYaml, INGEST_TOKEN, spawnRelay, startRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { cleanEnv, runCli } from "./helpers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const defer = deferCleanup();

/** Posts events from `workers` clients until stopped; `answered` lists the ids answered 202, in order. */
function ingestContinuously(url: string, workers = 4) {
  const answered: string[] = [];
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const res = await fetch(`${url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "load.tick", data: { n: n++, pad: "x".repeat(2048) } }),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      answered.push(((await res.json()) as { id: string }).id);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    answered,
    async stop() {
      running = false;
      await done;
    },
  };
}

function copyHolds(path: string, ids: readonly string[]): { integrity: string; missing: string[]; deliveries: number } {
  const db = new Database(path, { readonly: true });
  try {
    const integrity = (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
    const stored = new Set((db.query("SELECT id FROM events").all() as { id: string }[]).map((r) => r.id));
    const deliveries = (db.query("SELECT COUNT(*) AS n FROM deliveries").get() as { n: number }).n;
    return { integrity, missing: ids.filter((id) => !stored.has(id)), deliveries };
  } finally {
    db.close();
  }
}

async function daemonUnderLoad() {
  const receiver = startReceiver();
  const tmp = tempDir();
  defer(tmp.remove, () => receiver.close());
  const config = writeConfig(tmp.dir, configYaml(tmp.dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`));
  const relay = await spawnRelay(config);
  defer(async () => {
    relay.proc.kill("SIGTERM");
    await relay.exited;
  });
  const load = ingestContinuously(relay.url);
  defer(() => load.stop());
  return { tmp, config, receiver, relay, load };
}

describe("hookrelay backup", () => {
  it("copies the live database while the daemon ingests and delivers: every event answered before it began", async () => {
    const { tmp, config, receiver, load } = await daemonUnderLoad();
    await waitFor("events ingested and delivered", () => load.answered.length >= 1000 && receiver.requests.length >= 500, 30_000);
    const before = [...load.answered];
    const target = join(tmp.dir, "backup.db");
    const out = await runCli(["backup", target, "--config", config, "--json"], cleanEnv());
    await load.stop();

    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ path: target, bytes: readFileSync(target).byteLength, database: join(tmp.dir, "hookrelay.db") });
    // One complete file: nothing of it lives in a WAL beside it.
    expect(existsSync(`${target}-wal`)).toBe(false);
    const held = copyHolds(target, before);
    expect(held.integrity).toBe("ok");
    expect(held.missing).toEqual([]);
    expect(held.deliveries).toBeGreaterThanOrEqual(before.length);

    // Restoring is putting the file where a daemon looks for its database.
    const restoredDir = join(tmp.dir, "restored");
    const restored = await startRelay(
      configYaml(restoredDir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`).replace(
        join(restoredDir, "hookrelay.db"),
        target,
      ),
      { dir: restoredDir },
    );
    defer(() => restored.stop());
    const last = before.at(-1)!;
    const event = await restored.admin("GET", `/v1/events/${last}`);
    expect(event.status).toBe(200);
    expect(((await event.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
  });

  it("refuses to replace an existing file without --force, in one sentence, and replaces it with --force", async () => {
    const { tmp, config, load } = await daemonUnderLoad();
    await waitFor("events ingested", () => load.answered.length >= 50);
    const target = join(tmp.dir, "existing.db");
    writeFileSync(target, "keep me");

    const refused = await runCli(["backup", target, "--config", config], cleanEnv());
    expect(refused).toEqual({ code: 1, stdout: "", stderr: `hookrelay backup: ${target} already exists; pass --force to replace it\n` });
    expect(readFileSync(target, "utf8")).toBe("keep me");

    const before = [...load.answered];
    const forced = await runCli(["backup", target, "--config", config, "--force"], cleanEnv());
    expect(forced.stderr).toBe("");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`backed up ${join(tmp.dir, "hookrelay.db")} to ${target} (${readFileSync(target).byteLength} bytes)\n`);
    const held = copyHolds(target, before);
    expect(held.integrity).toBe("ok");
    expect(held.missing).toEqual([]);
  });

  it("backs up a stopped daemon's database found from storage.path alone: a variable the endpoints need may be unset", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const yaml = configYaml(tmp.dir, `  - id: main\n    url: https://example.com/hook\n    events: ["*"]\n    secret: \${SECRET_FROM_THE_SERVICE}`);
    const config = writeConfig(tmp.dir, yaml);
    const relay = await spawnRelay(config, { SECRET_FROM_THE_SERVICE: SECRET });
    const accepted = await fetch(`${relay.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "a", data: {} }),
    });
    const { id } = (await accepted.json()) as { id: string };
    relay.proc.kill("SIGTERM");
    expect(await relay.exited).toBe(0);
    const besideTheDatabase = () => ["-wal", "-shm"].filter((suffix) => existsSync(join(tmp.dir, `hookrelay.db${suffix}`)));
    expect(besideTheDatabase()).toEqual([]);

    const target = join(tmp.dir, "copy.db");
    const out = await runCli(["backup", target, "--config", config], cleanEnv());
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(copyHolds(target, [id]).missing).toEqual([]);
    // Nothing is left beside a stopped daemon's database, owned by whoever ran the backup.
    expect(besideTheDatabase()).toEqual([]);
  });

  it("refuses to write over the database itself", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const config = writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []"));
    const relay = await startRelay(readFileSync(config, "utf8"), { dir: tmp.dir });
    await relay.stop();
    const live = join(tmp.dir, "hookrelay.db");
    const size = readFileSync(live).byteLength;
    for (const path of [live, `${live}-wal`]) {
      const out = await runCli(["backup", path, "--config", config, "--force"], cleanEnv());
      expect(out).toEqual({ code: 1, stdout: "", stderr: `hookrelay backup: ${path} is the database itself (or one of its files); choose another path\n` });
    }
    expect(readFileSync(live).byteLength).toBe(size);
  });

  it("says in one sentence when there is no database, no folder to write to, or no storage.path to read", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const config = writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []"));
    const none = await runCli(["backup", join(tmp.dir, "copy.db"), "--config", config], cleanEnv());
    expect(none).toEqual({ code: 1, stdout: "", stderr: `hookrelay backup: there is no database at ${join(tmp.dir, "hookrelay.db")}; nothing was written\n` });

    const relay = await startRelay(readFileSync(config, "utf8"), { dir: tmp.dir });
    await relay.stop();
    const nowhere = join(tmp.dir, "missing", "copy.db");
    const out = await runCli(["backup", nowhere, "--config", config], cleanEnv());
    expect(out).toEqual({ code: 1, stdout: "", stderr: `hookrelay backup: the folder ${join(tmp.dir, "missing")} does not exist; nothing was written\n` });

    const unset = writeConfig(tmp.dir, "storage:\n  path: ${DB_PATH}\nendpoints: []\n");
    const hidden = await runCli(["backup", join(tmp.dir, "copy.db"), "--config", unset], cleanEnv());
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toBe(`hookrelay backup: cannot tell where the database is: ${unset}:2:9: storage.path: environment variable DB_PATH is not set (use \${DB_PATH:-default} for a fallback)\n`);
  });

  it("refuses a config on PostgreSQL in one sentence, writing nothing, even with a SQLite file at storage.path", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const relay = await startRelay(configYaml(tmp.dir, "  []"), { dir: tmp.dir });
    await relay.stop();
    const config = writeConfig(tmp.dir, `storage:\n  driver: postgres\n  url: postgres://relay:pw@127.0.0.1:1/db\n  path: ${join(tmp.dir, "hookrelay.db")}\nendpoints: []\n`);
    const copy = join(tmp.dir, "copy.db");
    const out = await runCli(["backup", copy, "--config", config], cleanEnv());
    expect(out).toEqual({
      code: 1,
      stdout: "",
      stderr: "hookrelay backup: storage.driver is postgres: back up the PostgreSQL database with its own tools (pg_dump); backup copies a SQLite file\n",
    });
    expect(existsSync(copy)).toBe(false);
  });

  it("exits 2 on usage errors", async () => {
    for (const args of [[], ["a.db", "b.db"], ["a.db", "--bogus"], [""]]) {
      const out = await runCli(["backup", ...args], cleanEnv());
      expect(out.code).toBe(2);
      expect(out.stdout).toBe("");
      expect(out.stderr).toStartWith("hookrelay backup: ");
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});
