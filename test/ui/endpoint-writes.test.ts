/**
 * @module test/ui/endpoint-writes
 * Endpoints created over the API, in a real browser against a real daemon:
 * a tenant and an admin create one (each with the keys it may set), the
 * secret shown once with a Copy button that really copies it and signs the
 * deliveries that follow (checked with independent verifiers), edits sent as
 * merge patches of the changed keys only, rotation with a choice of grace,
 * deletion after a confirmation; endpoints filtered by tenant and source on
 * the server and paged by `next_cursor`; deliveries and the overview by
 * tenant. No secret reaches the page's HTML, its URL or the daemon's log.
 */
import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { join } from "node:path";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import { browserAvailable, launchBrowser, SCREENSHOTS, type TestBrowser } from "../helpers/browser";
import { adminTab, openTab, type UiTab } from "../helpers/dashboard";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, createEndpoint, expectJson, ingestEvent, openSession } from "../tenants/fixture";

/** Globals of the page, for the functions that run in the browser. */
declare const navigator: { clipboard: { readText(): Promise<string> } };
declare const document: { body: { innerText: string } }, location: { search: string }, window: object;

const run = browserAvailable();
setDefaultTimeout(30_000);

const A = "acme";

describe.skipIf(!run)("endpoints over the API in the dashboard", () => {
  let relay: InProcessRelay;
  let tmp: { dir: string; remove: () => void };
  let rcv: Receiver;
  let browser: TestBrowser;
  const tabs: UiTab[] = [];
  /** Every secret the pages showed, to look for afterwards. */
  const secrets: string[] = [];
  const made = { tenant: "", admin: "ep-admin-made" };

  const tab = async (t: Promise<UiTab>) => {
    const opened = await t;
    tabs.push(opened);
    return opened;
  };
  const portal = async (tenant: string) => {
    const t = await tab(openTab(browser, relay.url));
    await t.goto((await openSession(relay, tenant)).url);
    await t.page.waitForSelector(".tenant-name");
    return t;
  };
  const admin = () => tab(adminTab(browser, relay.url));
  const shownSecret = async (t: UiTab) => {
    await t.page.waitForSelector('input[aria-label="Signing secret"]');
    const secret = await t.page.$eval('input[aria-label="Signing secret"]', (el) => (el as unknown as { value: string }).value);
    secrets.push(secret);
    return secret;
  };
  /** Clicks Copy and answers what the clipboard then holds. */
  const copied = async (t: UiTab) => {
    await t.click("Copy");
    await t.waitText("Copied.");
    return t.page.evaluate(() => navigator.clipboard.readText());
  };
  const formFields = (t: UiTab) => t.page.$$eval("form.endpoint-form input, form.endpoint-form select", (els) => els.map((e) => (e as unknown as { name: string }).name));
  const fill = async (t: UiTab, values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) {
      const selector = `form.endpoint-form [name="${name}"]`;
      if (name === "scheme") await t.page.select(selector, value);
      else {
        // Cleared as a user would, so the page hears an input event even when nothing is typed after.
        await t.page.click(selector, { clickCount: 3 });
        await t.page.keyboard.press("Backspace");
        if (value) await t.page.type(selector, value);
      }
    }
  };
  /** The request the receiver got for event `id`. */
  const delivered = async (eventId: string) =>
    (await waitFor(`the delivery of ${eventId}`, () => rcv.requests.find((r) => r.body.includes(eventId)))) as (typeof rcv.requests)[number];

  beforeAll(async () => {
    tmp = tempDir();
    rcv = startReceiver();
    relay = await startRelay(configYaml(tmp.dir, configEndpoint("cfg-main", rcv.url, { events: `["config.*"]` })), { dir: tmp.dir });
    browser = await launchBrowser();
    await browser.browser.defaultBrowserContext().overridePermissions(relay.url, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    rcv?.close();
    tmp?.remove();
  });

  it("lets a tenant create an endpoint with the keys it may set; the secret is shown once, copies, and signs its deliveries", async () => {
    const t = await portal(A);
    await t.goto("/endpoints");
    await t.click("New endpoint");
    await t.page.waitForSelector("form.endpoint-form");
    expect(await formFields(t)).toEqual(["url", "events", "description"]);
    await fill(t, { url: `${rcv.url}/acme`, events: "order.created, order.paid", description: "Acme's orders" });
    await t.click("Create endpoint");
    await t.waitText("Endpoint created");
    const secret = await shownSecret(t);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(await copied(t)).toBe(secret);
    expect(t.page.url()).toBe(`${relay.url}/ui/new-endpoint`);
    await t.page.screenshot({ path: join(SCREENSHOTS, "portal-created.png") });
    made.tenant = await t.page.$eval("h1 + p a", (a) => a.textContent!);
    expect(made.tenant).toMatch(/^ep_/);
    const stored = await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.tenant}`), 200);
    expect(stored).toMatchObject({ source: "api", tenant: A, description: "Acme's orders", events: ["order.created", "order.paid"], url: `${rcv.url}/acme` });
    // The secret shown is the one deliveries are signed with.
    const ev = await ingestEvent(relay, { type: "order.paid", tenant: A, data: { total: 12 } });
    const req = await delivered(ev.id);
    expect(new Webhook(secret).verify(req.body, req.headers)).toMatchObject({ type: "order.paid" });
    // And never again: not on the endpoint's page, nor after a reload.
    await t.click("Go to the endpoint");
    await t.waitText("Acme's orders");
    expect(await t.page.content()).not.toContain(secret);
    await t.page.reload();
    await t.waitText("Acme's orders");
    expect(await t.page.content()).not.toContain(secret);
    await t.page.goBack();
    await t.waitText("New endpoint");
    expect(await t.page.content()).not.toContain(secret);
  });

  it("lets an admin create one with id, tenant, scheme, header, timeout and retry, naming a refused field until it is right", async () => {
    const t = await admin();
    await t.goto("/new-endpoint");
    await t.page.waitForSelector("form.endpoint-form");
    expect(await formFields(t)).toEqual(["url", "events", "description", "id", "tenant", "scheme", "header", "timeout", "retry"]);
    await fill(t, {
      url: `${rcv.url}/beta`,
      events: "invoice.*",
      id: made.admin,
      tenant: "beta",
      scheme: "hmac-sha256-prefixed",
      header: "X-Beta-Signature",
      timeout: "soon",
      retry: "0s, 1m",
    });
    await t.click("Create endpoint");
    await t.waitText("timeout:");
    expect((await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.admin}`), 404)).error.code).toBe("not_found");
    await fill(t, { timeout: "5s" });
    await t.click("Create endpoint");
    await t.waitText("Endpoint created");
    const secret = await shownSecret(t);
    expect(await t.page.$eval('input[aria-label="Signing secret"]', (el) => (el as unknown as { readOnly: boolean }).readOnly)).toBe(true);
    await t.click("I have stored it");
    await t.waitText("no longer shown");
    expect(await t.page.content()).not.toContain(secret);
    const stored = await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.admin}`), 200);
    expect(stored).toMatchObject({ tenant: "beta", signature: { scheme: "hmac-sha256-prefixed", header: "X-Beta-Signature" }, timeout_ms: 5000 });
    expect(stored.retry.delays_ms).toEqual([0, 60_000]);
    const ev = await ingestEvent(relay, { type: "invoice.sent", tenant: "beta", data: { n: 1 } });
    const req = await delivered(ev.id);
    expect(await octokitVerify(secret, req.body, req.headers["x-beta-signature"]!)).toBe(true);
  });

  it("edits with a merge patch of the changed keys only: an admin's and a tenant's", async () => {
    const patches: { body: string | undefined; type: string | undefined }[] = [];
    const t = await admin();
    t.page.on("request", (r) => void (r.method() === "PATCH" && patches.push({ body: r.postData(), type: r.headers()["content-type"] })));
    await t.goto(`/endpoints/${made.admin}`);
    await t.click("Edit");
    await t.page.waitForSelector("form.endpoint-form");
    expect(await t.page.$eval('[name="timeout"]', (el) => (el as unknown as { value: string }).value)).toBe("5s");
    await fill(t, { description: "Beta's invoices", timeout: "7s" });
    await t.click("Save changes");
    await t.waitText("Saved: description, timeout.");
    await t.waitText("Beta's invoices");
    expect(patches).toEqual([{ body: JSON.stringify({ description: "Beta's invoices", timeout: "7s" }), type: "application/merge-patch+json" }]);
    // Emptying a key restores its default: null.
    await t.click("Edit");
    await fill(t, { description: "" });
    await t.click("Save changes");
    await t.waitText("Saved: description.");
    expect(patches[1]!.body).toBe(JSON.stringify({ description: null }));
    const stored = await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.admin}`), 200);
    expect([stored.description, stored.timeout_ms, stored.signature.scheme]).toEqual([null, 7000, "hmac-sha256-prefixed"]);

    const own = await portal(A);
    own.page.on("request", (r) => void (r.method() === "PATCH" && patches.push({ body: r.postData(), type: r.headers()["content-type"] })));
    await own.goto(`/endpoints/${made.tenant}`);
    await own.click("Edit");
    await own.page.waitForSelector("form.endpoint-form");
    expect(await formFields(own)).toEqual(["url", "events", "description"]);
    await fill(own, { events: "order.*" });
    await own.click("Save changes");
    await own.waitText("Saved: events.");
    expect(patches[2]).toEqual({ body: JSON.stringify({ events: ["order.*"] }), type: "application/merge-patch+json" });
  });

  it("rotates the secret with the grace chosen: the new one shown once, both signing until the grace ends, or the new alone", async () => {
    const t = await portal(A);
    await t.goto(`/endpoints/${made.tenant}`);
    const before = secrets[0]!;
    await t.click("Rotate secret…");
    await t.page.select('form.rotation [name="grace"]', "1h");
    await t.click("Rotate now");
    const rotated = await shownSecret(t);
    expect(rotated).not.toBe(before);
    await t.waitText("the previous secret keeps signing until");
    expect(await copied(t)).toBe(rotated);
    const ev = await ingestEvent(relay, { type: "order.created", tenant: A, data: { n: 2 } });
    const req = await delivered(ev.id);
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const key of [rotated, before]) expect(new Webhook(key).verify(req.body, req.headers)).toMatchObject({ type: "order.created" });

    await t.page.reload();
    await t.waitText("Recent deliveries");
    expect(await t.page.content()).not.toContain(rotated);
    await t.click("Rotate secret…");
    await t.page.select('form.rotation [name="grace"]', "0s");
    await t.click("Rotate now");
    const latest = await shownSecret(t);
    await t.waitText("the previous secret no longer signs");
    const next = await ingestEvent(relay, { type: "order.created", tenant: A, data: { n: 3 } });
    const signed = await delivered(next.id);
    expect(new Webhook(latest).verify(signed.body, signed.headers)).toMatchObject({ type: "order.created" });
    expect(() => new Webhook(rotated).verify(signed.body, signed.headers)).toThrow();
  });

  it("shows what a tenant wrote on an endpoint as text, running none of it", async () => {
    const hostile = `<img src=x onerror="window.__pwned=1"><b>bold?</b>`;
    const t = await portal(A);
    await t.goto("/new-endpoint");
    await t.page.waitForSelector("form.endpoint-form");
    await fill(t, { url: `${rcv.url}/hostile`, events: "order.*", description: hostile });
    await t.click("Create endpoint");
    await t.waitText("Endpoint created");
    await shownSecret(t);
    const id = await t.page.$eval("h1 + p a", (a) => a.textContent!);
    await expectJson(call(relay, ADMIN_TOKEN, "PATCH", `/v1/endpoints/${id}`, { metadata: { note: hostile } }), 200);
    for (const p of [`/endpoints/${id}`, "/endpoints"]) {
      await t.goto(p);
      await t.waitText(hostile);
      expect(await t.page.$$("main img, main b")).toHaveLength(0);
      expect(await t.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/endpoints/${id}`), 204);
  });

  it("deletes an endpoint only once the confirmation is accepted", async () => {
    const t = await portal(A);
    await t.goto(`/endpoints/${made.tenant}`);
    await t.waitText("Recent deliveries");
    t.page.once("dialog", (d) => void d.dismiss());
    await t.click("Delete…");
    await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.tenant}`), 200);
    t.page.once("dialog", (d) => void d.accept());
    await t.click("Delete…");
    await t.waitText(`Deleted ${made.tenant}`);
    await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${made.tenant}`), 404);
    await t.click("All endpoints");
    await t.page.waitForSelector("table.endpoints");
    expect(await t.text()).not.toContain(made.tenant);
  });

  it("filters endpoints by tenant and source on the server and pages through next_cursor, all in the URL", async () => {
    for (let i = 0; i < 55; i++) await createEndpoint(relay, { id: `pg-${String(i).padStart(2, "0")}`, tenant: "pager", url: rcv.url, events: ["*"] });
    const t = await admin();
    await t.goto("/endpoints");
    await t.page.waitForSelector("table.endpoints tbody tr");
    await t.page.type('input[name="tenant"]', "pager");
    await t.page.keyboard.press("Enter");
    await t.page.waitForFunction(() => document.body.innerText.includes("pg-49"));
    expect(new URL(t.page.url()).searchParams.get("tenant")).toBe("pager");
    expect(await t.page.$$eval("table.endpoints tbody tr", (rows) => rows.length)).toBe(50);
    expect(t.answers.some((a) => a.url.includes("/v1/endpoints?tenant=pager&limit=50"))).toBe(true);
    await t.page.click('a[rel="next"]');
    await t.page.waitForFunction(() => document.body.innerText.includes("pg-54") && !document.body.innerText.includes("pg-49"));
    expect(Object.fromEntries(new URL(t.page.url()).searchParams)).toEqual({ tenant: "pager", cursor: "pg-49" });
    expect(await t.page.$$eval("table.endpoints tbody tr", (rows) => rows.length)).toBe(5);
    expect(await t.page.$('a[rel="next"]')).toBeNull();
    await t.page.reload();
    await t.page.waitForFunction(() => document.body.innerText.includes("pg-54"));
    await t.click("First page");
    await t.page.waitForFunction(() => document.body.innerText.includes("pg-00"));
    // Source: the config file's only; then the API's of one tenant.
    await t.goto("/endpoints");
    await t.page.waitForSelector("table.endpoints tbody tr");
    await t.page.select('select[name="source"]', "config");
    await t.page.waitForFunction(() => !document.body.innerText.includes("pg-00") && document.body.innerText.includes("cfg-main"));
    expect(await t.page.$$eval("table.endpoints tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual(["cfg-main"]);
    await t.goto("/endpoints?source=api&tenant=beta");
    await t.waitText(made.admin);
    expect(await t.page.$$eval("table.endpoints tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual([made.admin]);
    await t.page.screenshot({ path: join(SCREENSHOTS, "endpoints-api.png") });
  });

  it("filters deliveries by tenant with the filter kept in the URL", async () => {
    const t = await admin();
    await t.goto("/deliveries");
    await t.page.waitForSelector("table.deliveries tbody tr");
    await t.page.type('input[name="tenant"]', "beta");
    await t.page.click(".filters button[type=submit]");
    await t.page.waitForFunction(() => location.search.includes("tenant=beta"));
    await t.page.waitForFunction(() => document.body.innerText.includes("invoice.sent") && !document.body.innerText.includes("order."));
    const tenants = () => t.page.$$eval("table.deliveries tbody tr td:nth-child(4)", (cells) => cells.map((c) => c.textContent));
    expect(await tenants()).toEqual(["beta"]);
    await t.page.reload();
    await t.page.waitForSelector("table.deliveries tbody tr");
    expect(await tenants()).toEqual(["beta"]);
    expect(await t.page.$eval('input[name="tenant"]', (el) => (el as unknown as { value: string }).value)).toBe("beta");
  });

  it("shows the overview of one tenant: an admin's with ?tenant=, a tenant's of its own endpoints added up", async () => {
    const figures = async (tenant: string) => (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/stats?window=24h&tenant=${tenant}`), 200)).attempts as number;
    const t = await admin();
    await t.goto("/?tenant=beta");
    const beta = await figures("beta");
    expect(beta).toBeGreaterThan(0);
    await t.waitText(`${beta} attempt`);
    expect(await t.text()).toContain("tenant beta");
    const all = (await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/stats?window=24h"), 200)).attempts as number;
    expect(all).toBeGreaterThan(beta);
    // A tenant may not read the relay's stats: its overview adds up those of its endpoints.
    const endpoints = (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints?tenant=${A}`), 200)).items as { id: string }[];
    let acme = 0;
    for (const e of endpoints) acme += (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints/${e.id}/stats?window=24h`), 200)).attempts;
    await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints", { tenant: A, url: rcv.url, events: ["order.*"] }), 201);
    const ev = await ingestEvent(relay, { type: "order.created", tenant: A, data: {} });
    await waitFor("acme's new delivery", async () => {
      const page = await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/deliveries?tenant=${A}&status=delivered&limit=100`), 200);
      return page.items.some((d: { event_id: string }) => d.event_id === ev.id);
    });
    const own = await portal(A);
    await own.waitText(`${acme + 1} attempts`);
  });

  it("keeps every secret shown out of the page's URL, the daemon's log and the console, under the same security policy", async () => {
    expect(secrets.length).toBe(5);
    const log = relay.logs.join("\n");
    const consoles = tabs.flatMap((t) => t.console).join("\n");
    for (const secret of secrets) {
      expect({ inLog: log.includes(secret), inConsole: consoles.includes(secret), inUrl: tabs.some((t) => t.page.url().includes(secret)) }).toEqual({ inLog: false, inConsole: false, inUrl: false });
    }
    const res = await fetch(`${relay.url}/ui/new-endpoint`);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });
});
