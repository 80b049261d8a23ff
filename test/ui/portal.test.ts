/**
 * @module test/ui/portal
 * The tenant view in a real browser against a real daemon: signing in from
 * a portal link (the token leaves the address and the history), the tenant's
 * name, only the actions its session allows (none at all when read-only),
 * config endpoints offered read and test only, the link expiring or revoked
 * sending it back to sign-in, embedding in a frame of a listed origin and
 * refusal elsewhere, and isolation: tenant A's view, walked page by page,
 * never shows a thing of tenant B's, and B's ids in A's URLs are not found.
 * No token reaches the daemon's log or the page's console.
 */
import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { join } from "node:path";
import { browserAvailable, launchBrowser, SCREENSHOTS, type TestBrowser } from "../helpers/browser";
import { adminTab, openTab, type UiTab } from "../helpers/dashboard";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, createEndpoint, expectJson, ingestEvent, openSession, type Session } from "../tenants/fixture";

/** Globals of the page, for the functions that run in the browser. */
declare const sessionStorage: { length: number }, location: { href: string };
declare const document: { body: { innerText: string }; querySelector<T>(selector: string): T | null };

const run = browserAvailable();
setDefaultTimeout(30_000);

const A = "acme";
/** Everything of tenant B's carries this, so finding it anywhere in A's view is finding a leak. */
const MARK = "zq7";
const B = `bolt-${MARK}`;

/** What a session may not be offered, by kind of session. */
const ADMIN_ONLY = ["Cancel", "Cancel all pending deliveries matching the filter…", "Cancel all held deliveries matching the filter…"];
const WRITES = ["Disable", "Enable", "Send test event", "Edit", "Rotate secret…", "Delete…", "Retry now", "New endpoint", ...ADMIN_ONLY];

/** A page that frames `src`, as a vendor's own page would embed the portal. */
function framingPage(): { origin: (host: string) => string; stop: () => void } {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const src = new URL(req.url).searchParams.get("src") ?? "";
      const attr = src.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
      return new Response(`<!doctype html><title>vendor</title><h1>Vendor settings</h1><iframe id="portal" src="${attr}" width="1000" height="700"></iframe>`, {
        headers: { "content-type": "text/html" },
      });
    },
  });
  return { origin: (host) => `http://${host}:${server.port}`, stop: () => server.stop(true) };
}

describe.skipIf(!run)("the tenant view in a browser", () => {
  let relay: InProcessRelay;
  let tmp: { dir: string; remove: () => void };
  let rcvA: Receiver;
  let rcvB: Receiver;
  let browser: TestBrowser;
  let listed: ReturnType<typeof framingPage>;
  let unlisted: ReturnType<typeof framingPage>;
  const tabs: UiTab[] = [];
  const tokens: string[] = [];
  const ids = { heldA: "", deliveryB: "", failedA: "" };

  const session = async (tenant: string, extra: { ttl?: string; read_only?: boolean } = {}): Promise<Session> => {
    const s = await openSession(relay, tenant, extra);
    tokens.push(s.token);
    return s;
  };
  const tab = async () => {
    const t = await openTab(browser, relay.url);
    tabs.push(t);
    return t;
  };
  /** A tab signed in from a fresh portal link of `tenant`. */
  const portal = async (tenant: string, extra: { ttl?: string; read_only?: boolean } = {}) => {
    const t = await tab();
    await t.goto((await session(tenant, extra)).url);
    await t.page.waitForSelector(".tenant-name");
    return t;
  };

  beforeAll(async () => {
    tmp = tempDir();
    listed = framingPage();
    unlisted = framingPage();
    rcvA = startReceiver((req) => new Response(req.path.endsWith("/fail") ? "acme says no" : "ok", { status: req.path.endsWith("/fail") ? 500 : 200 }));
    rcvB = startReceiver(() => new Response(`${MARK}-response`, { status: 500 }));
    const yaml = configYaml(
      tmp.dir,
      [
        configEndpoint("cfg-acme", `${rcvA.url}/fail`, { tenant: A, extra: ["retry: [0s]"] }),
        configEndpoint(`cfg-${MARK}`, `${rcvB.url}/${MARK}-config`, { tenant: B, extra: ["retry: [0s]"] }),
      ].join("\n"),
    ).replace("server:\n", `server:\n  ui_frame_ancestors: ["${listed.origin("localhost")}"]\n`);
    relay = await startRelay(yaml, { dir: tmp.dir });
    await createEndpoint(relay, { id: "ep-acme", tenant: A, url: rcvA.url, events: ["order.*"], description: "Acme orders", metadata: { team: "payments" } });
    await createEndpoint(relay, { id: "ep-acme-paused", tenant: A, url: rcvA.url, events: ["order.*"], enabled: false });
    await createEndpoint(relay, {
      id: `ep-${MARK}`,
      tenant: B,
      url: `${rcvB.url}/${MARK}-hook`,
      events: [`${MARK}.*`],
      description: `${MARK} description`,
      metadata: { team: `${MARK}-team` },
      headers: { "X-Marker": `${MARK}-header` },
      retry: ["0s"],
    });
    for (let i = 0; i < 2; i++) {
      await ingestEvent(relay, { type: "order.created", tenant: A, data: { n: i, note: "acme-payload" } });
      await ingestEvent(relay, { type: `${MARK}.created`, tenant: B, data: { marker: `${MARK}-payload` } });
    }
    await waitFor("every delivery settled or held", async () => {
      const p = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries?limit=100"), 200);
      return p.items.length === 10 && p.items.every((d: { status: string }) => ["delivered", "failed", "held"].includes(d.status));
    });
    const of = async (q: string) => (await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/deliveries?${q}&limit=1`), 200)).items[0].id as string;
    ids.heldA = await of("endpoint=ep-acme-paused&status=held");
    ids.failedA = await of("endpoint=cfg-acme&status=failed");
    ids.deliveryB = await of(`endpoint=ep-${MARK}`);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    rcvA?.close();
    rcvB?.close();
    listed?.stop();
    unlisted?.stop();
    tmp?.remove();
  });

  it("signs in from a portal link: the token leaves the address and the history, and the tenant's name shows", async () => {
    const s = await session(A);
    const t = await tab();
    const res = await t.page.goto(s.url);
    const shell = await res!.text();
    expect(shell).not.toContain(s.token);
    await t.page.waitForSelector(".tenant-name");
    expect(await t.page.$eval(".tenant-name", (el) => el.textContent)).toBe(A);
    expect(t.page.url()).toBe(`${relay.url}/ui/`);
    const cdp = await t.page.createCDPSession();
    const history = (await cdp.send("Page.getNavigationHistory")) as { entries: { url: string }[] };
    expect(history.entries.map((e) => e.url).filter((u) => u.includes("token"))).toEqual([]);
    expect(await t.page.evaluate(() => location.href)).not.toContain("token");
    expect(await t.page.content()).not.toContain(s.token);
    await t.waitText("success rate, 24 h");
    await t.waitText("Endpoints by state");
    await t.page.reload();
    await t.page.waitForSelector(".tenant-name");
    expect(await t.text()).not.toContain("Admin token");
    await t.page.screenshot({ path: join(SCREENSHOTS, "portal-overview.png") });
  });

  it("offers a tenant none of the admin's actions: no cancel, no tenant filters, read and test only on config endpoints", async () => {
    const t = await portal(A);
    await t.goto("/endpoints");
    await t.waitText("ep-acme-paused");
    expect(await t.page.$('input[name="tenant"]')).toBeNull();
    expect(await t.text()).not.toContain("Tenant");
    expect(await t.actions()).toContain("New endpoint");
    await t.goto("/endpoints/cfg-acme");
    await t.waitText("comes from the config file");
    expect(await t.actions()).toEqual(["Sign out", "Send test event"]);
    await t.goto("/endpoints/ep-acme");
    await t.waitText("Acme orders");
    expect(await t.actions()).toEqual(["Sign out", "Disable", "Send test event", "Edit", "Rotate secret…", "Delete…"]);
    await t.page.waitForSelector("figure.chart");
    await t.page.screenshot({ path: join(SCREENSHOTS, "portal-endpoint.png") });
    await t.goto(`/deliveries/${ids.heldA}`);
    await t.waitText("Attempts");
    expect(await t.actions()).not.toContain("Cancel");
    await t.goto(`/deliveries/${ids.failedA}`);
    await t.waitText("Attempt 1");
    expect(await t.actions()).toContain("Retry now");
    await t.goto("/deliveries?status=held");
    await t.waitText("ep-acme-paused");
    expect((await t.actions()).filter((a) => a.startsWith("Cancel") || a.startsWith("Retry"))).toEqual([]);
    expect(await t.page.$('input[name="tenant"]')).toBeNull();
    await t.goto("/deliveries?status=failed");
    await t.waitText("cfg-acme");
    expect(await t.actions()).toContain("Retry all failed deliveries matching the filter…");
    // The same pages as an admin do offer what the tenant is not offered, so the checks above can fail.
    const admin = await adminTab(browser, relay.url);
    tabs.push(admin);
    await admin.goto("/endpoints/cfg-acme");
    await admin.waitText("comes from the config file");
    expect(await admin.actions()).toEqual(["Sign out", "Disable", "Send test event"]);
    await admin.goto(`/deliveries/${ids.heldA}`);
    await admin.waitText("Attempts");
    expect(await admin.actions()).toContain("Cancel");
    await admin.goto("/deliveries?status=held");
    await admin.waitText("ep-acme-paused");
    expect(await admin.actions()).toContain("Cancel all held deliveries matching the filter…");
  });

  it("shows a read-only session no write action on any page", async () => {
    const t = await portal(A, { read_only: true });
    expect(await t.text()).toContain("read-only");
    const pages = ["/", "/endpoints", "/endpoints/ep-acme", "/endpoints/ep-acme-paused", "/endpoints/cfg-acme", "/deliveries", "/deliveries?status=failed", `/deliveries/${ids.heldA}`, `/deliveries/${ids.failedA}`];
    for (const p of pages) {
      await t.goto(p);
      await t.page.waitForFunction(() => !document.body.innerText.includes("Loading"), { timeout: 10_000 });
      const offered = (await t.actions()).filter((a) => WRITES.includes(a) || a.startsWith("Retry") || a.startsWith("Cancel"));
      expect({ page: p, offered }).toEqual({ page: p, offered: [] });
    }
    await t.goto("/new-endpoint");
    await t.waitText("may only read");
    expect(await t.page.$("form")).toBeNull();
  });

  it("sends a revoked link back to a sign-in page that says the link has expired, and so does an expired one", async () => {
    const s = await session(A);
    const t = await tab();
    await t.goto(s.url);
    await t.page.waitForSelector(".tenant-name");
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${s.id}`), 204);
    // The next call the page makes is refused (one still loading may get there first).
    await t.page.evaluate(() => document.querySelector<{ click(): void }>('nav a[href="/ui/deliveries"]')?.click());
    await t.waitText("This link has expired or was revoked. Ask for a new link");
    expect(await t.page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await t.page.$("#token")).toBeNull();
    // Opening the revoked link again says the same.
    const again = await tab();
    await again.goto(s.url);
    await again.waitText("This link has expired");
    expect(again.page.url()).not.toContain("token");
    // A session that runs out signs the page out by itself, with no click.
    const brief = await session(A, { ttl: "2s" });
    const short = await tab();
    await short.goto(brief.url);
    await short.page.waitForSelector(".tenant-name");
    await short.waitText("This link has expired", 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(brief.expires_at));
  });

  it("switches to the tenant of a second link opened in the same tab, and takes a tenant's token typed into the sign-in form", async () => {
    const t = await portal(B);
    await t.goto("/endpoints");
    await t.waitText(`ep-${MARK}`);
    // Only the fragment differs: the page hears it and signs in again, starting every page afresh.
    await t.page.goto((await session(A)).url);
    await t.page.waitForFunction((a: string) => document.querySelector<{ textContent: string }>(".tenant-name")?.textContent === a, { timeout: 10_000 }, A);
    await t.goto("/endpoints");
    await t.waitText("ep-acme-paused");
    expect(await t.page.content()).not.toContain(MARK);
    expect(t.page.url()).not.toContain("token");
    const typed = await tab();
    await typed.goto("/");
    await typed.page.waitForSelector("#token");
    await typed.page.type("#token", (await session(A, { read_only: true })).token);
    await typed.page.click("button[type=submit]");
    await typed.page.waitForSelector(".tenant-name");
    expect(await typed.text()).toContain("read-only");
  });

  it("works in a frame of a page of a listed origin, and is refused by its CSP in a frame of any other origin", async () => {
    const s = await session(A);
    const frameOf = async (origin: string) => {
      const t = await tab();
      const res = await t.page.goto(`${origin}/?src=${encodeURIComponent(s.url)}`);
      expect(res!.status()).toBe(200);
      return t;
    };
    const inside = await frameOf(listed.origin("localhost"));
    const frame = await waitFor("the portal frame", () => inside.page.frames().find((f) => f.url().startsWith(`${relay.url}/ui/`)));
    await frame.waitForSelector(".tenant-name", { timeout: 10_000 });
    expect(await frame.$eval(".tenant-name", (el) => el.textContent)).toBe(A);
    await frame.waitForFunction(() => document.body.innerText.includes("success rate, 24 h"), { timeout: 10_000 });
    expect(frame.url()).not.toContain("token");
    await inside.page.screenshot({ path: join(SCREENSHOTS, "portal-embedded.png") });

    const outside = await frameOf(unlisted.origin("localhost"));
    await waitFor("the CSP refusal in the console", () => outside.console.find((l) => l.includes("frame-ancestors")));
    const refused = outside.page.frames().find((f) => f !== outside.page.mainFrame());
    expect(refused).toBeDefined();
    const shown = await refused!.evaluate(() => document.body?.innerText ?? "").catch(() => "");
    expect(shown).not.toContain(A);
    expect(refused!.url()).not.toStartWith(`${relay.url}/ui/`);
  });

  it("never shows tenant A anything of tenant B's on any page it can reach, and B's ids in A's URLs are not found", async () => {
    // B's things are there to find: the admin's view of the same pages shows them.
    const admin = await adminTab(browser, relay.url);
    tabs.push(admin);
    for (const [p, needles] of [
      ["/endpoints", [`ep-${MARK}`]],
      [`/endpoints/ep-${MARK}`, [`${MARK} description`]],
      [`/deliveries/${ids.deliveryB}`, [`${MARK}-payload`, `${MARK}-response`]],
    ] as const) {
      await admin.goto(p);
      for (const needle of needles) {
        await admin.waitText(needle).catch(async (err) => {
          throw new Error(`admin ${p}: ${err}\n${await admin.text()}`);
        });
      }
    }

    const t = await portal(A);
    const walked: string[] = [];
    /** Opens `p`, waits until it has read all it reads, and looks for B in it; `echo` is what the URL itself says of B. */
    const visit = async (p: string, needle: string, echo?: string) => {
      await t.goto(p);
      try {
        await t.waitText(needle);
        // Bounded well inside the test's own limit: a full suite on two cores once kept the overview's first reads over 10 s.
        await t.page.waitForNetworkIdle({ idleTime: 100, timeout: 25_000 });
      } catch (err) {
        throw new Error(`${p}: ${err}\n${await t.text()}`);
      }
      walked.push(p);

      const html = (await t.page.content()).replaceAll(echo ?? "\u0000", "");
      expect({ page: p, leak: html.includes(MARK) }).toEqual({ page: p, leak: false });
    };
    await visit("/", "Endpoints by state");
    await visit("/endpoints", "ep-acme-paused");
    await visit(`/endpoints?tenant=${B}`, "ep-acme", B);
    await visit("/endpoints?source=config", "cfg-acme");
    await visit("/endpoints?source=api&state=disabled", "ep-acme-paused");
    const own = ((await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/deliveries?tenant=${A}&limit=100`), 200)).items as { id: string }[]).map((d) => d.id);
    for (const id of ["cfg-acme", "ep-acme", "ep-acme-paused"]) await visit(`/endpoints/${id}`, "Recent deliveries");
    await visit("/deliveries", "ep-acme");
    await visit(`/deliveries?tenant=${B}`, "ep-acme", B);
    await visit(`/deliveries?event_type=${MARK}.created`, "No delivery matches.", `${MARK}.created`);
    await visit(`/deliveries?endpoint=ep-${MARK}`, "No delivery matches.", `ep-${MARK}`);
    for (const id of own) await visit(`/deliveries/${id}`, "Payload");
    await visit("/new-endpoint", "New endpoint");

    // B's ids typed into A's URLs: not found, and nothing of B's beyond the id typed.
    for (const [p, id] of [
      [`/endpoints/ep-${MARK}`, `ep-${MARK}`],
      [`/endpoints/cfg-${MARK}`, `cfg-${MARK}`],
      [`/deliveries/${ids.deliveryB}`, ids.deliveryB],
    ] as const) {
      await t.goto(p);
      await t.waitText("Not found").catch(async (err) => {
        throw new Error(`${p}: ${err}\n${await t.text()}`);
      });
      const shown = (await t.text()).replaceAll(id, "");
      expect({ page: p, leak: shown.includes(MARK) }).toEqual({ page: p, leak: false });
    }
    const unread = await t.settle();
    if (unread > 0) process.stderr.write(`settle: ${unread} unread answer bodies\n`);
    // Nor did any API answer the tab received hold B's things, but for 404s echoing the id asked for.
    const leaks = t.answers.filter((a) => a.body.includes(MARK) && !(a.status === 404 && a.url.includes(MARK)));
    expect(leaks.map((a) => `${a.status} ${a.url}`)).toEqual([]);
    expect(walked.length).toBeGreaterThan(12);
    expect(t.answers.length).toBeGreaterThan(walked.length);
  }, 60_000);

  it("keeps every token out of the daemon's log and every tab's console", async () => {
    expect(tokens.length).toBeGreaterThan(5);
    const log = relay.logs.join("\n");
    expect(log.length).toBeGreaterThan(0);
    const consoles = tabs.flatMap((t) => t.console).join("\n");
    for (const token of tokens) {
      const secret = token.slice("hrp_".length);
      expect({ token: token.slice(0, 8), inLog: log.includes(secret), inConsole: consoles.includes(secret) }).toEqual({ token: token.slice(0, 8), inLog: false, inConsole: false });
    }
    expect(log).not.toContain(ADMIN_TOKEN);
  });
});
