import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, hookrelayCommand, INGEST_TOKEN, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
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

/** A TCP server that accepts connections, reads what arrives and never answers; counts the requests begun. */
function silentReceiver(): { url: string; requests: () => number; close: () => void } {
  let requests = 0;
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { data: (_socket, bytes) => void (requests += bytes.toString().split("POST /").length - 1), error: () => {} },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, requests: () => requests, close: () => server.stop(true) };
}

/** Resolves with the exit code, or throws when the process is still running after `ms`. */
async function exitWithin(exited: Promise<number>, ms: number): Promise<number> {
  let timer!: ReturnType<typeof setTimeout>;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM`)), ms)));
  try {
    return await Promise.race([exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

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

  it("ends a drain at shutdown_grace: cuts hanging attempts short, keeps their deliveries pending, exits 0", async () => {
    const silent = silentReceiver();
    const healthy = startReceiver();
    const tmp = tempDir();
    defer(tmp.remove, () => silent.close(), () => healthy.close());
    // One attempt in the timetable and disable_after 1: were the cut attempt counted as a failure,
    // the delivery would be failed and the endpoint auto-disabled.
    const yaml = (url: string) =>
      configYaml(tmp.dir, `  - id: main\n    url: ${url}\n    events: ["*"]\n    secret: ${SECRET}\n    timeout: 30s\n    retry: [0s]\n    disable_after: 1`)
        .replace("shutdown_grace: 5s", "shutdown_grace: 500ms");
    const path = writeConfig(tmp.dir, yaml(silent.url));
    const relay = await spawnRelay(path);
    const { id } = (await (await post(relay.url, { type: "a", data: {} })).json()) as { id: string };
    await waitFor("the attempt to reach the silent receiver", () => silent.requests() === 1);
    relay.proc.kill("SIGTERM");
    // Far below the endpoint's 30 s timeout, which is what used to keep the process alive.
    expect(await exitWithin(relay.exited, 10_000)).toBe(0);
    expect(relay.stdout()).toContain('"msg":"attempt cut short by shutdown; delivery pending"');
    expect(relay.stdout()).toContain('"msg":"stopped"');

    const db = new Database(join(tmp.dir, "hookrelay.db"), { readonly: true });
    const delivery = db.query("SELECT seq, status, attempts FROM deliveries WHERE event_id = ?").get(id) as { seq: number; status: string; attempts: number };
    const attempts = db.query("SELECT n, status_code, error FROM attempts WHERE delivery_seq = ?").all(delivery.seq);
    const endpoint = db.query("SELECT state, consecutive_failures FROM endpoint_state WHERE endpoint_id = 'main'").get();
    db.close();
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(attempts).toEqual([{ n: 1, status_code: null, error: expect.stringMatching(/cut short by shutdown after server\.shutdown_grace \(500 ms\)/) }]);
    expect(endpoint).toEqual({ state: "active", consecutive_failures: 0 });

    writeConfig(tmp.dir, yaml(healthy.url));
    const again = await spawnRelay(path);
    defer(async () => {
      again.proc.kill("SIGTERM");
      await again.exited;
    });
    const [req] = await healthy.waitForRequests(1);
    expect(req!.headers["webhook-id"]).toBe(id);
    const shown = await waitFor("the delivery to be delivered", async () => {
      const res = await fetch(`${again.url}/v1/deliveries/dlv_${delivery.seq}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = (await res.json()) as { status: string; attempt_log: { n: number; status_code: number | null; error: string | null }[] };
      return body.status === "delivered" ? body : null;
    });
    expect(shown.attempt_log.map((a) => [a.n, a.status_code])).toEqual([[1, null], [2, 200]]);
    expect(again.stdout()).not.toContain("requeued");
  });

  it("does not wait past shutdown_grace for a request whose body never ends", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const yaml = configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []").replace("shutdown_grace: 5s", "shutdown_grace: 100ms");
    const relay = await spawnRelay(writeConfig(tmp.dir, yaml));
    const { port } = new URL(relay.url);
    const client = await Bun.connect({ hostname: "127.0.0.1", port: Number(port), socket: { data: () => {}, error: () => {} } });
    defer(() => client.end());
    client.write(`POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${INGEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":`);
    // The daemon takes connections in order: once a later request is answered, the first one is being read.
    await waitFor("the request to be under way", async () => (await fetch(`${relay.url}/metrics`)).ok);
    relay.proc.kill("SIGTERM");
    expect(await exitWithin(relay.exited, 10_000)).toBe(0);
    // Read from the daemon's own log, so the time to deliver the signal and tear the process down does
    // not count. A drain used to wait 2 s for such a request, whatever the grace.
    const at = (msg: string) => Date.parse(JSON.parse(relay.stdout().split("\n").find((l) => l.includes(`"msg":"${msg}`))!).time);
    expect(at("stopped") - at("draining")).toBeLessThan(1_500);
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
