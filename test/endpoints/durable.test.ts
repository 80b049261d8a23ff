/**
 * @module test/endpoints/durable
 * Endpoints created over the API live in the database: they survive kill -9,
 * restarts and every reload, their secrets are sealed at rest, and a config
 * that takes one of their ids is refused.
 */
import { describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { deferCleanup } from "../helpers/cleanup";
import { startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const defer = deferCleanup();

const admin = (url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const ingest = (url: string, type: string, data: unknown) =>
  fetch(`${url}/v1/events`, { method: "POST", headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ type, data }) });

function setup(extra = "") {
  const tmp = tempDir();
  const receiver = startReceiver();
  defer(() => receiver.close(), tmp.remove);
  const yaml = (endpoints: string) => configYaml(tmp.dir, endpoints, extra).replace("endpoints:\n  []", "endpoints: []");
  const path = writeConfig(tmp.dir, yaml("  []"));
  return { tmp, receiver, path, yaml };
}

async function start(path: string) {
  const relay = await spawnRelay(path);
  defer(() => {
    if (relay.proc.exitCode === null) relay.proc.kill("SIGKILL");
  });
  return relay;
}

describe("endpoints created over the API", () => {
  it("survive kill -9 and a restart, keep their id and secret, and still deliver", async () => {
    const { receiver, path } = setup();
    let relay = await start(path);
    const res = await admin(relay.url, "POST", "/v1/endpoints", { url: receiver.url, events: ["*"], tenant: "acme" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; secret: string };
    relay.proc.kill("SIGKILL");
    await relay.exited;

    relay = await start(path);
    const read = (await (await admin(relay.url, "GET", `/v1/endpoints/${created.id}`)).json()) as { source: string; tenant: string };
    expect(read).toMatchObject({ source: "api", tenant: "acme" });
    const sent = await fetch(`${relay.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "a", tenant: "acme", data: { after: "restart" } }),
    });
    expect(((await sent.json()) as { deliveries: number }).deliveries).toBe(1);
    const [req] = await receiver.waitForRequests(1);
    expect(new Webhook(created.secret).verify(req!.body, req!.headers)).toMatchObject({ data: { after: "restart" } });
    relay.proc.kill("SIGTERM");
    expect(await relay.exited).toBe(0);
  });

  it("outlive reloads; a reload whose YAML takes an API endpoint's id is refused, logged and counted", async () => {
    const { receiver, path, yaml } = setup();
    const relay = await start(path);
    await admin(relay.url, "POST", "/v1/endpoints", { id: "customer-1", url: receiver.url, events: ["*"] });
    // A reload that adds a YAML endpoint keeps the API one.
    writeConfig(join(path, ".."), yaml(`  - id: ops\n    url: ${receiver.url}\n    events: ["hookrelay.*"]\n    secret: s3cret`));
    relay.proc.kill("SIGHUP");
    await waitFor("the reload", () => relay.stdout().includes('"config reloaded"'));
    const ids = async () => ((await (await admin(relay.url, "GET", "/v1/endpoints")).json()) as { items: { id: string; source: string }[] }).items;
    expect(await ids()).toEqual([
      expect.objectContaining({ id: "customer-1", source: "api" }),
      expect.objectContaining({ id: "ops", source: "config" }),
    ]);

    writeConfig(join(path, ".."), yaml(`  - id: customer-1\n    url: ${receiver.url}\n    events: ["*"]\n    secret: s3cret`));
    relay.proc.kill("SIGHUP");
    await waitFor("the refusal", () => relay.stdout().includes("config reload failed"));
    expect(relay.stdout()).toContain('already taken by the endpoint API');
    expect(relay.stdout()).toContain('\\"customer-1\\"');
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain("hookrelay_config_last_reload_successful 0");
    expect(await ids()).toEqual([
      expect.objectContaining({ id: "customer-1", source: "api" }),
      expect.objectContaining({ id: "ops", source: "config" }),
    ]);
    relay.proc.kill("SIGTERM");
    await relay.exited;
  });

  it("keep their secrets sealed at rest, under a key file made beside the database with mode 0600", async () => {
    const { tmp, receiver, path } = setup();
    const relay = await start(path);
    const given = "whsec_c2VhbGVkIGF0IHJlc3QsIG5ldmVyIGluIHRoZSBmaWxl";
    const created = await admin(relay.url, "POST", "/v1/endpoints", { url: receiver.url, events: ["*"], secret: given }, { "idempotency-key": "k1" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const rotated = (await (await admin(relay.url, "POST", `/v1/endpoints/${id}/rotate-secret`, {})).json()) as { secret: string };
    const generated = (await (await admin(relay.url, "POST", "/v1/endpoints", { url: receiver.url, events: ["x"] })).json()) as { secret: string };
    await ingest(relay.url, "a", {});
    await receiver.waitForRequests(1);
    relay.proc.kill("SIGKILL");
    await relay.exited;

    const files = readdirSync(tmp.dir).filter((f) => f.startsWith("hookrelay.db"));
    expect(files).toContain("hookrelay.db");
    expect(files).toContain("hookrelay.db.key");
    expect(statSync(join(tmp.dir, "hookrelay.db.key")).mode & 0o777).toBe(0o600);
    for (const file of files.filter((f) => f !== "hookrelay.db.key")) {
      const raw = readFileSync(join(tmp.dir, file));
      for (const secret of [given, rotated.secret, generated.secret]) {
        // The secret's text, and its key bytes as standard-webhooks decodes them.
        expect({ file, found: raw.includes(secret) }).toEqual({ file, found: false });
        expect({ file, found: raw.includes(secret.slice(6)) }).toEqual({ file, found: false });
        expect({ file, found: raw.includes(Buffer.from(secret.slice(6), "base64")) }).toEqual({ file, found: false });
      }
    }
  });

  it("reseal their secrets under the first of encryption_keys, so the old key can then be dropped", async () => {
    const oldKey = Buffer.alloc(32, 7).toString("base64");
    const newKey = Buffer.alloc(32, 9).toString("hex");
    const { tmp, receiver } = setup();
    const withKeys = (keys: string) =>
      writeConfig(
        tmp.dir,
        configYaml(tmp.dir, "  []")
          .replace("endpoints:\n  []", "endpoints: []")
          .replace(/^storage:\n/m, `storage:\n  encryption_keys: [${keys}]\n`),
      );
    let relay = await start(withKeys(`"${oldKey}"`));
    const created = (await (await admin(relay.url, "POST", "/v1/endpoints", { url: receiver.url, events: ["*"] })).json()) as { id: string; secret: string };
    relay.proc.kill("SIGTERM");
    await relay.exited;
    expect(readdirSync(tmp.dir)).not.toContain("hookrelay.db.key");

    relay = await start(withKeys(`"${newKey}", "${oldKey}"`));
    relay.proc.kill("SIGTERM");
    await relay.exited;
    relay = await start(withKeys(`"${newKey}"`));
    await ingest(relay.url, "a", { n: 1 });
    const [req] = await receiver.waitForRequests(1);
    expect(new Webhook(created.secret).verify(req!.body, req!.headers)).toMatchObject({ data: { n: 1 } });
    relay.proc.kill("SIGTERM");
    await relay.exited;
  });
});
