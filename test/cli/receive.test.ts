/** @module test/cli/receive — `hookrelay receive` as the quick start uses it: a real daemon delivers to it, and it tells signed from forged. */
import { describe, expect, it } from "bun:test";
import { createHmac } from "node:crypto";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { runCli } from "./helpers";
import { type Running, start } from "./process";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

async function receiver(...flags: string[]): Promise<{ run: Running; url: string }> {
  const run = start(["receive", "--listen", "127.0.0.1:0", ...flags]);
  defer(() => (run.proc.exitCode === null ? run.stop() : undefined));
  const [, url] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { run, url: url! };
}

describe("hookrelay receive", () => {
  it("verifies and prints what the daemon delivers, and answers 200", async () => {
    const { run, url } = await receiver("--secret", SECRET);
    const tmp = tempDir();
    const relay = await startRelay(configYaml(tmp.dir, `  - id: local\n    url: ${url}/webhook\n    events: ["*"]\n    secret: ${SECRET}\n`), { dir: tmp.dir });
    defer(tmp.remove, () => relay.stop());
    const posted = (await (await relay.post("/v1/events", { type: "scan.completed", data: { score: 85 } })).json()) as { id: string };
    const [line] = await run.waitFor(/POST \/webhook .*\n.*\n/);
    expect(line).toContain(`type=scan.completed  id=${posted.id}  verified=yes`);
    expect(line).toContain('"score":85');
    const row = await waitFor("the delivery to be recorded", () =>
      relay.db.query<{ status: string; last_status_code: number }, []>("SELECT status, last_status_code FROM deliveries WHERE status = 'delivered'").get(),
    );
    expect(row).toEqual({ status: "delivered", last_status_code: 200 });
  });

  it("answers 401 and says why for a forged signature", async () => {
    const { run, url } = await receiver("--secret", SECRET);
    const res = await fetch(`${url}/webhook`, {
      method: "POST",
      headers: { "webhook-id": "evt_x", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,Zm9yZ2Vk" },
      body: '{"type":"x"}',
    });
    expect(res.status).toBe(401);
    await run.waitFor(/verified=no \(webhook-signature does not match the secret\)/);
  });

  it("checks other schemes with --scheme and --header, and prints JSON lines with --json", async () => {
    const { run, url } = await receiver("--secret", "s3cret", "--scheme", "hmac-sha256-prefixed", "--header", "X-Hub-Signature-256", "--json");
    const body = '{"id":"evt_1","type":"push",\n"data":{"big":9007199254740993,"e":1e400}}';
    const signature = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
    const res = await fetch(`${url}/hook`, { method: "POST", headers: { "X-Hub-Signature-256": signature }, body });
    expect(res.status).toBe(200);
    const [line] = await run.waitFor(/\{"method".*\}\n/);
    expect(JSON.parse(line)).toEqual({ method: "POST", path: "/hook", type: "push", id: "evt_1", verified: true, body: JSON.parse(body) });
    expect(line).toEndWith(',"body":{"id":"evt_1","type":"push","data":{"big":9007199254740993,"e":1e400}}}\n');
    expect(await run.stop()).toBe(0);
  });

  it("refuses to start without a secret unless the scheme is none (exit 2)", async () => {
    const result = await runCli(["receive", "--listen", "127.0.0.1:0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("hookrelay receive: --secret is required to verify standard-webhooks signatures (or use --scheme none)\n");
  });
});
