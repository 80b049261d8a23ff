/**
 * @module test/reload/reload
 * Reloading a running `hookrelay serve` subprocess the two ways operators do:
 * SIGHUP, and saving the config file (in place, or as editors do, by writing
 * a new file and renaming it over the old one).
 */
import { describe, expect, it } from "bun:test";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, type SpawnedRelay, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { PASSWORD, postgresConfig } from "../helpers/postgres-relay";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

const endpoint = (id: string, url: string, more = "") => `  - id: ${id}\n    url: ${url}\n    events: ["*"]\n    secret: ${SECRET}\n${more}`;

async function setup(endpointsYaml: string) {
  const tmp = tempDir();
  const path = writeConfig(tmp.dir, configYaml(tmp.dir, endpointsYaml));
  const relay = await spawnRelay(path);
  defer(tmp.remove, async () => {
    relay.proc.kill("SIGTERM");
    await relay.exited;
  });
  return { dir: tmp.dir, path, relay };
}

function receiver(): Receiver {
  const r = startReceiver();
  defer(() => r.close());
  return r;
}

async function post(relay: SpawnedRelay, type: string): Promise<string> {
  const res = await fetch(`${relay.url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ type, data: {} }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function reloadMetric(relay: SpawnedRelay): Promise<string> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  return text.split("\n").find((l) => l.startsWith("hookrelay_config_last_reload_successful"))!;
}

/** Successful reloads logged so far, optionally only those with this trigger. */
const reloads = (relay: SpawnedRelay, reason?: string) =>
  relay
    .stdout()
    .split("\n")
    .filter((l) => l.includes('"msg":"config reloaded"') && (reason === undefined || l.includes(`"reason":"${reason}"`))).length;

describe("config reload", () => {
  it("on SIGHUP applies a changed URL to the next delivery", async () => {
    const a = receiver();
    const b = receiver();
    const { dir, relay } = await setup(endpoint("main", a.url));
    await post(relay, "one");
    await a.waitForRequests(1);
    // Written elsewhere and then signalled, so the file watcher plays no part.
    writeFileSync(join(dir, "hookrelay.yaml"), configYaml(dir, endpoint("main", b.url)));
    relay.proc.kill("SIGHUP");
    await waitFor("the reload", () => reloads(relay, "SIGHUP") >= 1);
    await post(relay, "two");
    await b.waitForRequests(1);
    expect(JSON.parse(b.requests[0]!.body).type).toBe("two");
    expect(a.requests).toHaveLength(1);
  });

  it("refuses an invalid config: logs every error with line:col, keeps the old one, metric 0", async () => {
    const a = receiver();
    const { dir, path, relay } = await setup(endpoint("main", a.url));
    expect(await reloadMetric(relay)).toBe("hookrelay_config_last_reload_successful 1");
    writeFileSync(path, configYaml(dir, endpoint("main", "ftp://nowhere/", "    retires: 3\n")));
    relay.proc.kill("SIGHUP");
    const refused = await waitFor("both errors logged", () => {
      const lines = relay.stdout().split("\n").filter((l) => l.includes("config reload refused") && l.includes('"reason":"SIGHUP"'));
      return lines.length >= 2 ? lines.map((l) => JSON.parse(l)) : null;
    });
    expect(refused.map((l) => l.problem)).toEqual([
      expect.stringMatching(new RegExp(`^${path}:\\d+:\\d+: endpoints\\[0\\]\\.url: expected an http or https URL$`)),
      expect.stringMatching(new RegExp(`^${path}:\\d+:\\d+: endpoints\\[0\\]\\.retires: unknown key "retires"$`)),
    ]);
    expect(await reloadMetric(relay)).toBe("hookrelay_config_last_reload_successful 0");
    await post(relay, "still-delivered");
    await a.waitForRequests(1);
    writeFileSync(path, configYaml(dir, endpoint("main", a.url)));
    relay.proc.kill("SIGHUP");
    await waitFor("the good reload", () => reloads(relay, "SIGHUP") >= 1);
    expect(await reloadMetric(relay)).toBe("hookrelay_config_last_reload_successful 1");
  });

  it("reloads when the file is saved in place", async () => {
    const a = receiver();
    const b = receiver();
    const { dir, path, relay } = await setup(endpoint("main", a.url));
    writeFileSync(path, configYaml(dir, endpoint("main", b.url)));
    await waitFor("the reload", () => reloads(relay) >= 1);
    await post(relay, "after-save");
    await b.waitForRequests(1);
    expect(a.requests).toHaveLength(0);
    expect(relay.stdout()).toContain('"reason":"config file changed"');
  });

  it("reloads when an editor replaces the file by renaming a new one over it", async () => {
    const a = receiver();
    const b = receiver();
    const { dir, path, relay } = await setup(endpoint("main", a.url));
    const temp = join(dir, ".hookrelay.yaml.swp");
    writeFileSync(temp, configYaml(dir, endpoint("main", b.url)));
    renameSync(temp, path);
    await waitFor("the reload", () => reloads(relay) >= 1);
    await post(relay, "after-rename");
    await b.waitForRequests(1);
    expect(reloads(relay)).toBe(1);
  });

  it("holds the backlog of a removed endpoint, and lets an attempt in flight finish", async () => {
    const keep = receiver();
    const slow = receiver();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    slow.reply(async (_req, n) => (n === 1 ? (await released, new Response("late but fine")) : new Response("no", { status: 500 })));
    const { dir, path, relay } = await setup(endpoint("keep", keep.url) + endpoint("gone", slow.url, "    retry: [0s, 1h]\n    max_in_flight: 1\n"));
    await post(relay, "first");
    await slow.waitForRequests(1);
    await post(relay, "second");
    writeFileSync(path, configYaml(dir, endpoint("keep", keep.url)));
    await waitFor("the reload", () => reloads(relay) >= 1);
    release();
    const listing = await waitFor("the removed endpoint to report its backlog", async () => {
      const res = await fetch(`${relay.url}/v1/endpoints`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json()) as { items: { id: string; state: string; backlog: { pending: number; held: number } }[] };
      const gone = body.items.find((e) => e.id === "gone");
      return gone && gone.backlog.held === 1 ? gone : null;
    });
    expect(listing.state).toBe("removed");
    const delivered = await waitFor("the in-flight attempt to be recorded", async () => {
      const res = await fetch(`${relay.url}/v1/deliveries?endpoint=gone&status=delivered`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const items = ((await res.json()) as { items: { event_type: string }[] }).items;
      return items.length === 1 ? items : null;
    });
    expect(delivered[0]!.event_type).toBe("first");
    expect(slow.requests).toHaveLength(1);
  });
});

describePostgres("config reload on PostgreSQL", (db) => {
  it("applies the rest of a reload that changes storage.lease, and says the lease needs a restart", async () => {
    const tmp = tempDir();
    const r = receiver();
    const path = postgresConfig(tmp.dir, db, r, { lease: "2m" });
    const relay = await spawnRelay(path);
    defer(tmp.remove, async () => {
      relay.proc.kill("SIGTERM");
      await relay.exited;
    });
    expect(postgresConfig(tmp.dir, db, r, { lease: "3m" })).toBe(path);
    relay.proc.kill("SIGHUP");
    await waitFor("the reload", () => reloads(relay, "SIGHUP") >= 1);
    const warned = relay.stdout().split("\n").filter((l) => l.includes("storage.pool or storage.lease changed; restart hookrelay to apply them"));
    expect(warned).toHaveLength(1);
    expect(relay.stdout()).not.toContain(PASSWORD);
    expect(await reloadMetric(relay)).toBe("hookrelay_config_last_reload_successful 1");
  });
});
