import { describe, expect, it } from "bun:test";
import { startReceiver } from "../helpers/receiver";
import { configYaml, hookrelayCommand, INGEST_TOKEN, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const defer = deferCleanup();

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("daemon lifecycle", () => {
  it("drains on SIGTERM: refuses new events with 503, lets the delivery in flight finish, exits 0", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const receiver = startReceiver(async () => {
      await gate;
      return new Response("ok");
    });
    const tmp = tempDir();
    defer(tmp.remove, () => receiver.close());
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`));
    const relay = await spawnRelay(path);
    expect((await post(relay.url, { type: "a", data: {} })).status).toBe(202);
    await receiver.waitForRequests(1);
    relay.proc.kill("SIGTERM");
    await waitFor("readyz to fail while draining", async () => (await fetch(`${relay.url}/readyz`)).status === 503);
    const refused = await post(relay.url, { type: "a", data: {} });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    release();
    expect(await relay.exited).toBe(0);
    expect(relay.stdout()).toContain('"msg":"stopped"');
    // The attempt finished inside the grace period, so a restart has nothing to resend.
    const again = await spawnRelay(path);
    defer(async () => {
      again.proc.kill("SIGTERM");
      await again.exited;
    });
    expect(again.stdout()).not.toContain("requeued");
    expect(receiver.requests.length).toBe(1);
  });

  it("exits 0 on SIGINT too", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const relay = await spawnRelay(writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []")));
    relay.proc.kill("SIGINT");
    expect(await relay.exited).toBe(0);
  });

  it("resends after a restart what a SIGKILL interrupted in flight", async () => {
    let hang = true;
    const receiver = startReceiver(async () => {
      if (hang) await new Promise(() => {});
      return new Response("ok");
    });
    const tmp = tempDir();
    defer(tmp.remove, () => receiver.close());
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`));
    const relay = await spawnRelay(path);
    const { id } = (await (await post(relay.url, { type: "a", data: {} })).json()) as { id: string };
    await receiver.waitForRequests(1);
    relay.proc.kill("SIGKILL");
    await relay.exited;
    hang = false;
    const again = await spawnRelay(path);
    defer(async () => {
      again.proc.kill("SIGTERM");
      await again.exited;
    });
    const reqs = await receiver.waitForRequests(2);
    expect(reqs[1]!.headers["webhook-id"]).toBe(id);
    await waitFor("requeue logged", () => again.stdout().includes("requeued deliveries left in flight"));
  });

  it("fails with one clear sentence and exit 1 when the data directory cannot be written", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const yaml = configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []").replace(/path: .*/, "path: /proc/hookrelay/x.db");
    const proc = Bun.spawn([...hookrelayCommand(), "serve", "--config", writeConfig(tmp.dir, yaml)], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(1);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr).toMatch(/^hookrelay serve: cannot open the database \/proc\/hookrelay\/x\.db: .+\n$/);
    expect(stderr).not.toContain("    at ");
  });
});
