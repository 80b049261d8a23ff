/**
 * A full scenario — deliveries, failures, a dead letter, an auto-disable,
 * reloads (one refused), CLI listings, the admin API, metrics and debug logs —
 * and then every byte any of it printed or answered is searched for every
 * configured secret and token.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startReceiver } from "../helpers/receiver";
import { hookrelayCommand, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const SECRETS = {
  ingest: "ingest-3f9a6c1e8b2d4f7a",
  admin: "admin-7c1e9b3d5f2a8e4c",
  whsecNew: "whsec_c2VjcmV0LW5ldy0xMjM0NTY3ODkwYWJjZGVm",
  whsecOld: "whsec_c2VjcmV0LW9sZC0xMjM0NTY3ODkwYWJjZGVm",
  hex: "hex-secret-0d1e2f3a4b5c6d7e",
  fromFile: "file-secret-8f7e6d5c4b3a2910",
  partnerToken: "partner-bearer-5a4b3c2d1e0f",
  rotated: "rotated-secret-1a2b3c4d5e6f",
};
// The base64 payloads of the whsec_ secrets count as the secret too.
const NEEDLES = [...Object.values(SECRETS), ...[SECRETS.whsecNew, SECRETS.whsecOld].map((s) => s.slice("whsec_".length))];

const tmp = tempDir();
afterAll(() => tmp.remove());

function config(receiverUrl: string, failingUrl: string, hexSecret: string, extraEndpoint = ""): string {
  return `server:
  listen: 127.0.0.1:0
storage:
  path: ${join(tmp.dir, "hookrelay.db")}
auth:
  ingest_tokens: ["\${INGEST}"]
  admin_tokens: ["\${ADMIN}"]
network:
  allow: [127.0.0.0/8]
log:
  level: debug
  format: json
endpoints:
  - id: rotating
    url: ${receiverUrl}
    events: ["*"]
    secrets: ["${SECRETS.whsecNew}", "${SECRETS.whsecOld}"]
    headers:
      Authorization: "Bearer \${PARTNER}"
  - id: hex
    url: ${receiverUrl}
    events: ["*"]
    secret: ${hexSecret}
    signature: { scheme: hmac-sha256-hex }
  - id: from-file
    url: ${receiverUrl}
    events: ["*"]
    secret_file: ${join(tmp.dir, "secret.txt")}
    signature: { scheme: timestamped }
  - id: failing
    url: ${failingUrl}
    events: ["*", "hookrelay.*"]
    secret: ${SECRETS.hex}
    signature: { scheme: hmac-sha256-prefixed }
    retry: [0s, 50ms]
    disable_after: 3
${extraEndpoint}`;
}

describe("secrets", () => {
  it("never appear in logs, API answers, CLI output, metrics or error messages", async () => {
    const receiver = startReceiver();
    const failing = startReceiver(() => new Response(`nope ${"x".repeat(10)}`, { status: 500 }));
    writeFileSync(join(tmp.dir, "secret.txt"), `${SECRETS.fromFile}\n`);
    const env = { INGEST: SECRETS.ingest, ADMIN: SECRETS.admin, PARTNER: SECRETS.partnerToken };
    const path = writeConfig(tmp.dir, config(receiver.url, failing.url, SECRETS.hex));
    const relay = await spawnRelay(path, env);
    const outputs: string[] = [];
    const cli = async (...args: string[]) => {
      const proc = Bun.spawn([...hookrelayCommand(), ...args], {
        stdout: "pipe",
        stderr: "pipe",
        env: { PATH: process.env.PATH ?? "", HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: SECRETS.admin, HOOKRELAY_INGEST_TOKEN: SECRETS.ingest },
      });
      const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      outputs.push(out, err);
      return { code, out };
    };
    const api = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${relay.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${SECRETS.admin}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      outputs.push(text);
      return JSON.parse(text) as unknown;
    };
    try {
      for (let i = 0; i < 5; i++) expect((await cli("send", "order.created", "--data", JSON.stringify({ i }))).code).toBe(0);
      await receiver.waitForRequests(15);
      await waitFor("the failing endpoint to be auto-disabled", async () => {
        return ((await api("GET", "/v1/endpoints/failing")) as { state: string }).state === "auto_disabled";
      });

      // A refused reload (its error mentions the line holding a secret) and an accepted one rotating a secret.
      writeConfig(tmp.dir, config(receiver.url, failing.url, SECRETS.rotated).replace("signature: { scheme: hmac-sha256-hex }", "signature: { scheme: hmac-sha256-hexx }"));
      relay.proc.kill("SIGHUP");
      await waitFor("the refused reload to be logged", () => relay.stdout().includes("reload"));
      writeConfig(tmp.dir, config(receiver.url, failing.url, SECRETS.rotated));
      relay.proc.kill("SIGHUP");
      await waitFor("the reload", () => relay.stdout().includes("config reloaded"));
      await cli("send", "order.created", "--data", "{}");
      await receiver.waitForRequests(18);

      for (const args of [
        ["endpoints", "list"],
        ["endpoints", "list", "--json"],
        ["endpoints", "show", "rotating"],
        ["endpoints", "show", "hex", "--json"],
        ["deliveries", "list"],
        ["deliveries", "list", "--json", "--status", "failed"],
        ["endpoints", "test", "from-file"],
        ["endpoints", "enable", "failing"],
      ]) {
        expect((await cli(...args)).code).toBe(0);
      }
      const listing = (await api("GET", "/v1/deliveries?limit=100")) as { items: { id: string; event_id: string }[] };
      for (const d of listing.items.slice(0, 20)) {
        await api("GET", `/v1/deliveries/${d.id}`);
        await api("GET", `/v1/events/${d.event_id}`);
        await cli("deliveries", "show", d.id);
      }
      await api("GET", "/v1/endpoints");
      await api("POST", "/v1/deliveries/retry", { status: "failed" });
      outputs.push(await (await fetch(`${relay.url}/metrics`)).text());
      outputs.push(await (await fetch(`${relay.url}/openapi.json`)).text());
      // A wrong token and a bad config check: error messages too.
      outputs.push(await (await fetch(`${relay.url}/v1/endpoints`, { headers: { authorization: "Bearer wrong" } })).text());
      const check = Bun.spawn([...hookrelayCommand(), "check", "--config", path], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", ...env } });
      outputs.push(await new Response(check.stdout).text(), await new Response(check.stderr).text());
      // A secret in the wrong shape: the error must name the key, not echo the value.
      writeConfig(tmp.dir, config(receiver.url, failing.url, `["${SECRETS.rotated}", { nested: "${SECRETS.rotated}" }]`));
      const badCheck = Bun.spawn([...hookrelayCommand(), "check", "--config", path], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", ...env } });
      const badErr = await new Response(badCheck.stderr).text();
      expect(await badCheck.exited).toBe(1);
      outputs.push(badErr);
    } finally {
      relay.proc.kill("SIGTERM");
      await relay.exited;
      receiver.close();
      failing.close();
    }
    outputs.push(relay.stdout(), relay.stderr());
    const everything = outputs.join("\n");
    // The scenario really produced the material being searched.
    expect(relay.stdout()).toContain('"level":"debug"');
    expect(everything).toContain("hookrelay_attempts_total");
    expect(everything).toContain("auto_disabled");
    for (const needle of NEEDLES) expect({ needle, found: everything.includes(needle) }).toEqual({ needle, found: false });
  }, 60_000);
});
