/** @module test/cli/logs — what `serve` logs: the format rule, and delivery lines that carry their ids. */
import { describe, expect, it } from "bun:test";
import { logSettings } from "../../src/cli/log-settings";
import type { Config } from "../../src/config/types";
import { startReceiver } from "../helpers/receiver";
import { configYaml, INGEST_TOKEN, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { start } from "./process";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";

const configWith = (log: Config["log"]) => ({ log }) as Config;

describe("log settings", () => {
  it.each([
    [{ level: "info", format: null }, {}, false, { level: "info", format: "json" }],
    [{ level: "info", format: null }, {}, true, { level: "info", format: "text" }],
    [{ level: "info", format: "json" }, {}, true, { level: "info", format: "json" }],
    [{ level: "info", format: "text" }, {}, false, { level: "info", format: "text" }],
    [{ level: "info", format: "json" }, { format: "text", level: "debug" }, false, { level: "debug", format: "text" }],
    [{ level: "warn", format: null }, { format: "json" }, true, { level: "warn", format: "json" }],
  ] as const)("config %o, flags %o, terminal %p → %o", (log, flags, tty, expected) => {
    expect(logSettings(configWith(log), { level: undefined, format: undefined, ...flags }, tty)).toEqual(expected);
  });
});

describe("serve logs", () => {
  const defer = deferCleanup();

  async function serve() {
    const receiver = startReceiver();
    const tmp = tempDir();
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${secret}\n`));
    const relay = await spawnRelay(path);
    defer(tmp.remove, () => receiver.close(), async () => {
      relay.proc.kill("SIGTERM");
      await relay.exited;
    });
    return { relay, receiver, secret };
  }

  it("writes one JSON object per line when stdout is not a terminal, with the ids on every delivery line and no secret", async () => {
    const { relay, receiver, secret } = await serve();
    const res = await fetch(`${relay.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "scan.completed", data: {} }),
    });
    const { id } = (await res.json()) as { id: string };
    await receiver.waitForRequests(1);
    const line = await waitFor("the delivered line", () => relay.stdout().split("\n").find((l) => l.includes('"msg":"delivered"')));
    expect(JSON.parse(line)).toMatchObject({ level: "debug", event_id: id, delivery_id: expect.stringMatching(/^dlv_\d+$/), endpoint_id: "main" });
    for (const l of relay.stdout().trim().split("\n")) expect(() => JSON.parse(l)).not.toThrow();
    expect(relay.stdout()).not.toContain(secret.slice(6));
  });

  it("writes readable text lines with --log-format text", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []"));
    const run = start(["serve", "--config", path, "--log-format", "text", "--log-level", "info"]);
    defer(() => run.stop());
    const [line] = await run.waitFor(/^\S+Z INFO  hookrelay listening url=http:\/\/127\.0\.0\.1:\d+ .*$/m);
    expect(line).toContain("endpoints=0");
    expect(run.stdout()).not.toContain('"level"');
  });
});
