/**
 * The single executable: built with `bun build --compile` (or taken from
 * $HOOKRELAY_BIN, as CI does after `npm run build`), run from a folder with no
 * source in it, so everything it needs must be inside the binary: on SQLite,
 * and on PostgreSQL (its migrations included).
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { checkPassed } from "../cli/helpers";
import { describePostgres } from "../helpers/postgres";
import { startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, ROOT, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import pkg from "../../package.json" with { type: "json" };

/** Globals of the page, for the functions that run in the browser. */
declare const document: { body: { innerText: string } }, location: { search: string }, window: object, sessionStorage: { length: number };

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const tmp = tempDir();
let bin = process.env.HOOKRELAY_BIN ?? "";

beforeAll(async () => {
  if (bin) return;
  bin = join(tmp.dir, "hookrelay");
  // As `npm run build` does: the dashboard's files, then the CLI and the checkpoint thread's body with them embedded.
  const ui = join(tmp.dir, "ui");
  const bundle = Bun.spawn([process.execPath, join(ROOT, "scripts", "build-ui.ts"), ui], { stdout: "pipe", stderr: "pipe" });
  if ((await bundle.exited) !== 0) throw new Error(`dashboard build failed: ${await new Response(bundle.stderr).text()}`);
  const entries = ["src/main.ts", "src/db/checkpoint-thread.ts"].map((e) => join(ROOT, e));
  const build = Bun.spawn([process.execPath, "build", ...entries, "--compile", "--asset", ui, "--outfile", bin], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if ((await build.exited) !== 0) throw new Error(`build failed: ${await new Response(build.stderr).text()}`);
}, 120_000);
afterAll(() => tmp.remove());

const run = async (...args: string[]) => {
  const proc = Bun.spawn([bin, ...args], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code, stdout, stderr };
};

describe("the compiled binary", () => {
  it("prints its version", async () => {
    const { code, stdout } = await run("version");
    expect(code).toBe(0);
    expect(stdout).toBe(`hookrelay ${pkg.version}\n`);
  });

  it("checks a config", async () => {
    const path = writeConfig(tmp.dir, configYaml(tmp.dir, `  - id: main\n    url: https://example.com/hook\n    events: ["*"]\n    secret: ${SECRET}`));
    const ok = await run("check", "--config", path);
    expect(ok).toEqual({ code: 0, stdout: checkPassed(1, join(tmp.dir, "hookrelay.db")), stderr: "" });
    writeConfig(tmp.dir, "server:\n  listen: nowhere\n");
    const bad = await run("check", "--config", path);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${path}:2:11: server.listen:`);
  });

  it("serves: accepts an event and delivers it signed", async () => {
    const receiver = startReceiver();
    const dir = join(tmp.dir, "serve");
    const path = writeConfig(tmp.dir, configYaml(dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`));
    const relay = await spawnRelay(path, {}, [bin]);
    try {
      const res = await fetch(`${relay.url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "binary.works", data: { ok: true } }),
      });
      expect(res.status).toBe(202);
      const [req] = await receiver.waitForRequests(1);
      expect(new Webhook(SECRET).verify(req!.body, req!.headers)).toMatchObject({ type: "binary.works", data: { ok: true } });
    } finally {
      relay.proc.kill("SIGTERM");
      expect(await relay.exited).toBe(0);
      receiver.close();
    }
  });

  it("backs up the database of the daemon it runs", async () => {
    const dir = join(tmp.dir, "backup");
    const path = writeConfig(tmp.dir, configYaml(dir, `  - id: main\n    url: https://example.com/hook\n    events: ["never.sent"]\n    secret: ${SECRET}`));
    const relay = await spawnRelay(path, {}, [bin]);
    try {
      const res = await fetch(`${relay.url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "binary.backup", data: {} }),
      });
      const { id } = (await res.json()) as { id: string };
      const target = join(tmp.dir, "copy.db");
      const out = await run("backup", target, "--config", path, "--json");
      expect(out.stderr).toBe("");
      expect(out.code).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ path: target, database: join(dir, "hookrelay.db") });
      const copy = new Database(target, { readonly: true });
      expect(copy.query("SELECT type FROM events WHERE id = ?").get(id)).toEqual({ type: "binary.backup" });
      copy.close();
    } finally {
      relay.proc.kill("SIGTERM");
      expect(await relay.exited).toBe(0);
    }
  });

  it("serves the embedded dashboard, deep links and portal links included, with its security headers", async () => {
    const dir = join(tmp.dir, "ui-serve");
    const path = writeConfig(tmp.dir, configYaml(dir, `  - id: main\n    url: https://example.com/hook\n    events: ["*"]\n    secret: ${SECRET}\n    tenant: acme`));
    const relay = await spawnRelay(path, {}, [bin]);
    try {
      for (const page of ["/ui/", "/ui/endpoints/main", "/ui/deliveries/dlv_1", "/ui/deliveries?status=failed"]) {
        const res = await fetch(`${relay.url}${page}`);
        expect({ page, status: res.status, type: res.headers.get("content-type") }).toEqual({ page, status: 200, type: "text/html; charset=utf-8" });
        expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
        expect(await res.text()).toContain('src="/ui/app.js"');
      }
      const js = await fetch(`${relay.url}/ui/app.js`);
      expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await js.text()).length).toBeGreaterThan(1000);
      expect((await fetch(`${relay.url}/ui/app.css`)).status).toBe(200);
      if (!browserAvailable()) return;
      const browser = await launchBrowser();
      try {
        const tab = await browser.browser.newPage();
        await tab.goto(`${relay.url}/ui/endpoints/main`);
        await tab.waitForSelector("#token");
        await tab.type("#token", ADMIN_TOKEN);
        await tab.click("button[type=submit]");
        await tab.waitForFunction(() => document.body.innerText.includes("Settings"), { timeout: 10_000 });
        await tab.reload();
        await tab.waitForFunction(() => document.body.innerText.includes("https://example.com/hook"), { timeout: 10_000 });
        // A portal link opens the tenant's view.
        const res = await fetch(`${relay.url}/v1/portal/sessions`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ tenant: "acme" }),
        });
        const portal = await browser.browser.newPage();
        await portal.goto(((await res.json()) as { url: string }).url);
        await portal.waitForSelector(".tenant-name", { timeout: 10_000 });
        await portal.goto(`${relay.url}/ui/endpoints`);
        await portal.waitForFunction(() => document.body.innerText.includes("https://example.com/hook"), { timeout: 10_000 });
        expect(portal.url()).not.toContain("token");
      } finally {
        await browser.close();
      }
    } finally {
      relay.proc.kill("SIGTERM");
      expect(await relay.exited).toBe(0);
    }
  }, 60_000);
});

describePostgres("the compiled binary on PostgreSQL", (db) => {
  it("checks the connection, migrates an empty database and delivers an event signed", async () => {
    const receiver = startReceiver();
    const dir = join(tmp.dir, "postgres");
    const storage = `  driver: postgres\n  url: ${db.url}\n  encryption_key: ${"ab".repeat(32)}\n`;
    const path = writeConfig(tmp.dir, configYaml(dir, `  - id: main\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}`, "", storage));
    const checked = await run("check", "--config", path, "--connect");
    expect(checked.stderr).toBe("");
    expect(checked.stdout).toContain("answers, no schema yet (serve migrates it to version");
    const relay = await spawnRelay(path, {}, [bin]);
    try {
      const res = await fetch(`${relay.url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "binary.postgres", data: { ok: true } }),
      });
      expect(res.status).toBe(202);
      const [req] = await receiver.waitForRequests(1);
      expect(new Webhook(SECRET).verify(req!.body, req!.headers)).toMatchObject({ type: "binary.postgres", data: { ok: true } });
      expect((await run("check", "--config", path, "--connect")).stdout).toMatch(/answers, schema version \d+, current\n/);
    } finally {
      relay.proc.kill("SIGTERM");
      expect(await relay.exited).toBe(0);
      receiver.close();
    }
  });
});
