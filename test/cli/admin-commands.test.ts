/**
 * @module test/cli/admin-commands
 * send, endpoints and deliveries against a real daemon and a real receiver:
 * what each prints, in text and with --json, and the one sentence it says when
 * the daemon is away or refuses the token.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deliveries } from "../../src/cli/deliveries";
import { endpoints } from "../../src/cli/endpoints";
import { CliError, UsageError } from "../../src/cli/io";
import { send } from "../../src/cli/send";
import { startReceiver, type Receiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { cleanEnv, runCli, runInProcess } from "./helpers";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let receiver: Receiver;
let relay: InProcessRelay;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;

beforeAll(async () => {
  receiver = startReceiver();
  tmp = tempDir();
  const yaml = configYaml(
    tmp.dir,
    `  - id: good\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}\n` +
      `  - id: broken\n    url: ${receiver.url.replace("/hook", "/broken")}\n    events: ["order.*"]\n    secret: ${SECRET}\n    retry: [0s]\n` +
      `  - id: patient\n    url: ${receiver.url.replace("/hook", "/broken")}\n    events: ["retry.*"]\n    secret: ${SECRET}\n    retry: [0s, 1h, 2h]\n    jitter: 0%\n`,
  );
  relay = await startRelay(yaml, { dir: tmp.dir });
  receiver.reply((req) => new Response(req.path === "/broken" ? "down" : "ok", { status: req.path === "/broken" ? 500 : 200 }));
  env = { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN, HOOKRELAY_INGEST_TOKEN: INGEST_TOKEN };
});
afterAll(async () => {
  await relay.stop();
  receiver.close();
  tmp.remove();
});

const deliveryStatus = (id: string) =>
  relay.db.query<{ status: string }, [number]>("SELECT status FROM deliveries WHERE seq = ?").get(Number(id.slice(4)))?.status;

describe("hookrelay send", () => {
  it("prints the event id on stdout and the delivery count on stderr", async () => {
    const out = await runInProcess(send, ["scan.completed", "--data", '{"score": 85}'], env);
    expect(out.stdout).toMatch(/^[A-Za-z0-9_-]+\n$/);
    expect(out.stderr).toBe("queued 1 delivery\n");
    await receiver.waitForRequests(1);
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ id: out.stdout.trim(), type: "scan.completed", data: { score: 85 } });
  });

  it("reads --data from @FILE, narrows with --endpoint, keeps --id, and prints the answer with --json", async () => {
    const file = join(tmp.dir, "data.json");
    writeFileSync(file, '{"order": 7}');
    const out = await runInProcess(send, ["order.paid", "--data", `@${file}`, "--endpoint", "good", "--id", "ord-7", "--json"], env);
    expect(JSON.parse(out.stdout)).toEqual({ id: "ord-7", deliveries: 1 });
    const again = await runInProcess(send, ["order.paid", "--data", `@${file}`, "--id", "ord-7"], env);
    expect(again).toEqual({ code: 0, stdout: "ord-7\n", stderr: "already stored under this id; nothing new was created\n" });
  });

  it("posts --data as given, so numbers JavaScript cannot hold arrive unchanged", async () => {
    const data = '{"snowflake":1234567890123456789012,"id":9007199254740993,"exp":1e400,"neg0":-0}';
    const out = await runInProcess(send, ["scan.completed", "--data", data, "--endpoint", "good"], env);
    const id = out.stdout.trim();
    const req = await waitFor("the delivery", () => receiver.requests.find((r) => r.headers["webhook-id"] === id));
    expect(req.body).toEndWith(`,"data":${data}}`);
  });

  it("refuses data that is not a JSON object as a usage error", async () => {
    await expect(runInProcess(send, ["x", "--data", "[1]"], env)).rejects.toBeInstanceOf(UsageError);
    await expect(runInProcess(send, ["x", "--data", "{nope"], env)).rejects.toThrow("--data is not valid JSON");
  });

  it("uses the admin token when there is no ingest token", async () => {
    const out = await runInProcess(send, ["scan.completed"], { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(out.code).toBe(0);
  });
});

describe("hookrelay endpoints", () => {
  it("lists endpoints as a table, and as the API's {items, next_cursor} with --json", async () => {
    const table = await runInProcess(endpoints, [], env);
    const [heading, ...rows] = table.stdout.trim().split("\n");
    expect(heading).toMatch(/^ID\s+SOURCE\s+TENANT\s+STATE\s+FAILURES\s+PENDING\s+HELD\s+FAILED\s+URL$/);
    // A listing is by id (interface.md §9), whatever order the config gives.
    expect(rows.map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      ["broken", "config", "-", "active"],
      ["good", "config", "-", "active"],
      ["patient", "config", "-", "active"],
    ]);
    const json = JSON.parse((await runInProcess(endpoints, ["list", "--json"], env)).stdout);
    expect(json.next_cursor).toBeNull();
    expect(json.items.map((e: { id: string }) => e.id)).toEqual(["broken", "good", "patient"]);
  });

  it("disables and enables an endpoint, printing its state", async () => {
    expect((await runInProcess(endpoints, ["disable", "good"], env)).stdout).toBe("good disabled\n");
    expect(JSON.parse((await runInProcess(endpoints, ["show", "good", "--json"], env)).stdout).state).toBe("disabled");
    expect((await runInProcess(endpoints, ["enable", "good"], env)).stdout).toBe("good active\n");
  });

  it("sends a test event and prints its delivery id", async () => {
    const out = await runInProcess(endpoints, ["test", "good"], env);
    const id = out.stdout.trim();
    expect(id).toMatch(/^dlv_\d+$/);
    expect(out.stderr).toContain(`hookrelay deliveries show ${id}`);
    await waitFor("the test delivery", () => deliveryStatus(id) === "delivered");
  });

  it("says which endpoint is unknown", async () => {
    await expect(runInProcess(endpoints, ["show", "nope"], env)).rejects.toThrow(/nope.*\(HTTP 404\)/);
  });

  it("treats a wrong action or a missing id as a usage error", async () => {
    await expect(runInProcess(endpoints, ["explode"], env)).rejects.toBeInstanceOf(UsageError);
    await expect(runInProcess(endpoints, ["show"], env)).rejects.toBeInstanceOf(UsageError);
  });
});

describe("hookrelay deliveries", () => {
  let failedId: string;

  beforeAll(async () => {
    const out = await runInProcess(send, ["order.created", "--endpoint", "broken", "--json"], env);
    const eventId = JSON.parse(out.stdout).id as string;
    const row = await waitFor("the delivery to fail", () =>
      relay.db.query<{ seq: number }, [string]>("SELECT seq FROM deliveries WHERE event_id = ? AND status = 'failed'").get(eventId),
    );
    failedId = `dlv_${row.seq}`;
  });

  it("lists deliveries filtered by status and endpoint", async () => {
    const json = JSON.parse((await runInProcess(deliveries, ["list", "--status", "failed", "--endpoint", "broken", "--json"], env)).stdout);
    expect(json.items.map((d: { id: string }) => d.id)).toContain(failedId);
    expect(json.items.every((d: { status: string }) => d.status === "failed")).toBe(true);
    const table = await runInProcess(deliveries, ["--status", "failed", "--limit", "1"], env);
    expect(table.stdout.split("\n")[1]).toContain(failedId);
  });

  it("shows a delivery with every attempt and when the remaining ones fire", async () => {
    const out = await runInProcess(deliveries, ["show", failedId], env);
    expect(out.stdout).toMatch(/status:\s+failed/);
    expect(out.stdout).toMatch(/attempts \(1\):\n  #1 .* ms  HTTP 500/);
    expect(out.stdout).toContain("no further attempts scheduled");
  });

  it("lists when each remaining attempt of a retrying delivery will fire", async () => {
    const sent = JSON.parse((await runInProcess(send, ["retry.me", "--json"], env)).stdout) as { id: string };
    const row = await waitFor("the first attempt to fail", () =>
      relay.db
        .query<{ seq: number }, [string]>("SELECT seq FROM deliveries WHERE event_id = ? AND status = 'pending' AND attempts = 1")
        .get(sent.id),
    );
    const out = await runInProcess(deliveries, ["show", `dlv_${row.seq}`], env);
    expect(out.stdout).toMatch(/remaining attempts \(2\):\n  #2  \S+Z \(in (59m\d+s|1h)\)\n  #3  \S+Z \(in (2h59m|3h)\)\n/);
  });

  it("retries one delivery, then every failed one of an endpoint, showing progress on a terminal", async () => {
    const one = await runInProcess(deliveries, ["retry", failedId], env);
    expect(one.stdout).toMatch(new RegExp(`^${failedId} (pending|in_flight|failed)\\n$`));
    await waitFor("the retried delivery to fail again", () => deliveryStatus(failedId) === "failed");
    const bulk = await runInProcess(deliveries, ["retry", "--status", "failed", "--endpoint", "broken", "--since", "1h"], env, true);
    expect(bulk.stdout).toMatch(/^retried [1-9]\d* deliver(y|ies)\n$/);
    expect(bulk.stderr).toContain("retrying failed deliveries… 0 queued");
    const quiet = await runInProcess(deliveries, ["retry", "--status", "failed", "--endpoint", "nobody", "--json"], env);
    expect(JSON.parse(quiet.stdout)).toEqual({ retried: 0, next_cursor: null });
    expect(quiet.stderr).toBe("");
  });

  it("wants --status for a bulk retry and a known status anywhere", async () => {
    await expect(runInProcess(deliveries, ["retry"], env)).rejects.toThrow("bulk retry needs --status");
    await expect(runInProcess(deliveries, ["list", "--status", "lost"], env)).rejects.toBeInstanceOf(UsageError);
  });
});

describe("when the daemon cannot be used", () => {
  it("says in one sentence that nothing answers, exit 1, no stack trace", async () => {
    const result = await runCli(["endpoints"], cleanEnv({ HOOKRELAY_URL: "http://127.0.0.1:9", HOOKRELAY_ADMIN_TOKEN: "x" }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "hookrelay endpoints: cannot reach hookrelay at http://127.0.0.1:9 (nothing answered); is it running? The address comes from the environment (or set HOOKRELAY_URL)\n",
    );
  });

  it("says the token was refused", async () => {
    const err = await runInProcess(deliveries, ["list"], { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: "wrong" }).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toBe(`hookrelay at ${relay.url} refused the token from the environment; check HOOKRELAY_ADMIN_TOKEN or auth.admin_tokens`);
  });

  it("refuses an ingest token for admin commands", async () => {
    await expect(runInProcess(endpoints, [], { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: INGEST_TOKEN })).rejects.toThrow("refused the token");
  });

  it("exits 2 for usage errors", async () => {
    const result = await runCli(["deliveries", "show"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toStartWith("hookrelay deliveries: usage: hookrelay deliveries");
  });
});
