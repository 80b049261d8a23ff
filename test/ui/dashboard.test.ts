/**
 * @module test/ui/dashboard
 * The dashboard in a real browser against a real daemon: sign-in, every
 * page, filters in the URL, a delivery with its attempts, retry, bulk retry
 * with its count and progress, live mode, a hostile response excerpt shown
 * as text, deep-link reloads, the security headers, and a refused token
 * sending the user back to sign-in. Screenshots go to dist/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { browserAvailable, launchBrowser, SCREENSHOTS, type TestBrowser } from "../helpers/browser";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest } from "../admin/fixture";

/** What a hostile receiver answers: markup that would run script if it were ever rendered as HTML. */
/** Globals of the page, for the functions that run in the browser. */
declare const document: { body: { innerText: string } }, location: { search: string }, window: object, sessionStorage: { length: number };

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>`;

const run = browserAvailable();
// A browser round trip can take seconds on a busy machine; each wait inside has its own bound.
setDefaultTimeout(30_000);

describe.skipIf(!run)("dashboard in a browser", () => {
  let relay: InProcessRelay;
  let ok: Receiver;
  let hostile: Receiver;
  let browser: TestBrowser;
  let page: Page;
  let tmp: { dir: string; remove: () => void };
  let yaml: string;
  let hostileDelivery: string;

  const ui = (path: string) => `${relay.url}/ui${path}`;
  const text = () => page.evaluate(() => document.body.innerText);
  const waitText = (needle: string) =>
    page.waitForFunction((n: string) => document.body.innerText.includes(n), { timeout: 10_000 }, needle);
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const signIn = async (token = ADMIN_TOKEN) => {
    await page.waitForSelector("#token");
    await page.type("#token", token);
    await page.click("button[type=submit]");
  };

  beforeAll(async () => {
    tmp = tempDir();
    ok = startReceiver();
    hostile = startReceiver(() => new Response(HOSTILE, { status: 500, headers: { "content-type": "text/html" } }));
    yaml = configYaml(
      tmp.dir,
      [endpoint("orders", ok.url, `["*"]`), endpoint("evil-receiver", hostile.url, `["order.*"]`, ["retry: [0s]"])].join("\n"),
    );
    relay = await startRelay(yaml, { dir: tmp.dir });
    for (let i = 0; i < 3; i++) await ingest(relay, "order.created", { n: i, note: "<script>window.__pwned=3</script>" });
    await ingest(relay, "user.signed_up", { n: 9 });
    await waitFor("every delivery settled", async () => {
      const p = await adminJson(relay, "GET", "/v1/deliveries?limit=100");
      return p.items.length === 7 && p.items.every((d: { status: string }) => d.status === "delivered" || d.status === "failed");
    });
    hostileDelivery = (await adminJson(relay, "GET", "/v1/deliveries?endpoint=evil-receiver&limit=1")).items[0].id;
    browser = await launchBrowser();
    page = await browser.browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    ok?.close();
    hostile?.close();
    tmp?.remove();
  });

  it("serves the page shell with its security policy and no data, and asks for a token first", async () => {
    const res = await page.goto(ui("/"));
    expect(res!.status()).toBe(200);
    const h = res!.headers();
    expect(h["content-security-policy"]).toContain("script-src 'self'");
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"]).not.toContain("unsafe-inline");
    expect(h["content-security-policy"]).not.toContain("unsafe-eval");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("no-referrer");
    const shell = await res!.text();
    expect(shell).not.toContain(ADMIN_TOKEN);
    expect(shell).not.toContain("orders");
    expect(shell).not.toMatch(/<script>|<style>|onerror|style=/);
    await page.waitForSelector("#token");
    await signIn("not-a-token");
    await waitText("That token is not an admin token");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("signs in and shows the overview: success rate, backlog and charts", async () => {
    await page.$eval("#token", (el) => ((el as { value: string }).value = ""));
    await signIn();
    await waitText("success rate, 24 h");
    await page.waitForSelector("figure.chart svg rect.bar");
    // 3 of 3 to orders and 1 more succeeded, 3 to evil-receiver failed: 4 of 7 attempts.
    expect(await text()).toContain("57.1%");
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    await shot("overview");
  });

  it("lists endpoints, searches and filters them with the filter in the URL, and opens one", async () => {
    await page.click('nav a[href="/ui/endpoints"]');
    await waitText("evil-receiver");
    await page.type('input[name="q"]', "evil");
    await page.waitForFunction(() => !document.body.innerText.includes("orders\n"));
    expect(page.url()).toContain("q=evil");
    await page.select('select[name="state"]', "disabled");
    await waitText("No endpoint matches.");
    expect(page.url()).toContain("state=disabled");
    await page.goto(ui("/endpoints"));
    await waitText("evil-receiver");
    await shot("endpoints");
    await page.click('a[href="/ui/endpoints/orders"]');
    await waitText("Settings");
    await page.waitForSelector("figure.chart polyline, figure.chart circle");
    expect(await text()).toContain("standard-webhooks");
    expect(await text()).toContain("Recent deliveries");
    await shot("endpoint");
  });

  it("disables and enables an endpoint and sends it a test event", async () => {
    page.once("dialog", (d) => void d.accept());
    await page.click("xpath/.//button[text()='Disable']");
    await waitText("Disabled: disabled by an operator");
    await page.click("xpath/.//button[text()='Enable']");
    await waitText("Enabled: held deliveries go out now.");
    await page.click("xpath/.//button[text()='Send test event']");
    await waitText("Test event sent as dlv_");
  });

  it("filters deliveries, keeps every filter in the URL, and a reload shows the same view", async () => {
    await page.goto(ui("/deliveries"));
    await page.waitForSelector("table.deliveries");
    await page.select('select[name="status"]', "failed");
    await page.type('input[name="event_type"]', "order.created");
    await page.type('input[name="since"]', "1h");
    await page.click(".filters button[type=submit]");
    await page.waitForFunction(() => location.search.includes("status=failed"));
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: "failed", event_type: "order.created", since: "1h" });
    await waitText("evil-receiver");
    expect(await page.$$eval("table.deliveries tbody tr", (rows) => rows.length)).toBe(3);
    await page.reload();
    await page.waitForSelector("table.deliveries tbody tr");
    expect(await page.$$eval("table.deliveries tbody tr", (rows) => rows.length)).toBe(3);
    expect(await page.$eval('select[name="status"]', (s) => (s as { value: string }).value)).toBe("failed");
    await shot("deliveries");
  });

  it("pages through deliveries with the cursor", async () => {
    await page.goto(ui("/deliveries"));
    await page.waitForSelector("table.deliveries tbody tr");
    // Fewer than a page: no cursor, no "Older".
    expect(await page.$('a[rel="next"]')).toBeNull();
    for (let i = 0; i < 50; i++) await ingest(relay, "bulk.filler", { i });
    await page.reload();
    await page.waitForSelector('a[rel="next"]');
    await page.click('a[rel="next"]');
    await page.waitForFunction(() => location.search.includes("cursor="));
    await page.waitForSelector(".pager a[href='/ui/deliveries']");
    await page.waitForSelector("table.deliveries tbody tr");
    expect(await page.$$eval("table.deliveries tbody tr", (rows) => rows.length)).toBeGreaterThan(0);
  });

  it("shows a hostile response excerpt and payload as text, running none of it", async () => {
    await page.goto(ui(`/deliveries/${hostileDelivery}`));
    await waitText("Attempt 1");
    await waitText("window.__pwned=3");
    const shown = await text();
    expect(shown).toContain(HOSTILE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$(".attempt img, .attempt script, .attempt b, .code img")).toHaveLength(0);
    expect(shown).toContain("webhook-signature: v1,");
    expect(shown).toContain("Attempt 1 500");
    await shot("delivery");
  });

  it("copies an attempt as a curl command that replays it", async () => {
    await page.click("xpath/.//button[text()='Show command']");
    await waitText("curl -sS -X POST");
    const curl = await page.$eval('pre[aria-label="curl command"]', (el) => el.textContent!);
    expect(curl).toContain(`'${hostile.url}'`);
    expect(curl).toContain("-H 'webhook-id: ");
    expect(curl).toContain("--data-binary '{");
    // Run it: the receiver gets the same signed body as the attempt did.
    const before = hostile.requests.length;
    const proc = Bun.spawn(["sh", "-c", curl], { stdout: "ignore", stderr: "ignore" });
    await proc.exited;
    expect(hostile.requests.length).toBe(before + 1);
    const replay = hostile.requests.at(-1)!;
    const original = hostile.requests.find((r) => r.headers["webhook-id"] === replay.headers["webhook-id"])!;
    expect(original).not.toBe(replay);
    expect(replay.body).toBe(original.body);
    expect(replay.headers["webhook-signature"]).toBe(original.headers["webhook-signature"]);
  });

  it("retries a delivery from its page", async () => {
    await page.click("xpath/.//button[text()='Retry now']");
    await waitText("Queued again");
    await waitText("Attempt 2");
  });

  it("reloads deep links to every page", async () => {
    for (const [path, needle] of [
      ["/endpoints/evil-receiver", "Settings"],
      [`/deliveries/${hostileDelivery}`, "Payload"],
      ["/deliveries?status=delivered&endpoint=orders", "orders"],
      ["/endpoints?state=active", "evil-receiver"],
    ] as const) {
      await page.goto(ui(path));
      await waitText(needle);
      await page.reload();
      await waitText(needle);
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/ui${path}`);
    }
  });

  it("bulk-retries a whole filter: the count first, then a confirmation, then progress to the end", async () => {
    await page.goto(ui("/deliveries?status=failed&endpoint=evil-receiver"));
    await page.waitForSelector("table.deliveries tbody tr");
    const failed = (await adminJson(relay, "GET", "/v1/deliveries/count?status=failed&endpoint=evil-receiver")).count;
    expect(failed).toBeGreaterThan(0);
    const before = hostile.requests.length;
    await page.click("xpath/.//button[starts-with(text(), 'Retry all failed')]");
    await waitText(`Retry ${failed} failed deliver`);
    await page.click("xpath/.//button[starts-with(text(), 'Retry ') and @class='primary']");
    await waitText(`${failed} ${failed === 1 ? "delivery" : "deliveries"} retried.`);
    await waitFor("the retried deliveries attempted again", () => hostile.requests.length >= before + failed);
  });

  it("shows new deliveries as they come in live mode", async () => {
    await page.goto(ui("/deliveries?endpoint=orders&live=1"));
    await page.waitForSelector("table.deliveries tbody tr");
    await ingest(relay, "live.event", { live: true });
    await page.waitForSelector("tr.fresh", { timeout: 10_000 });
    expect(await page.$eval("tr.fresh", (tr) => tr.textContent)).toContain("live.event");
  });

  it("sends the user back to sign-in with a clear sentence when the API refuses the token", async () => {
    await page.goto(ui("/"));
    await waitText("success rate, 24 h");
    await relay.reload(yaml.replace(`admin_tokens: [${ADMIN_TOKEN}]`, "admin_tokens: [a-new-admin-token]"));
    try {
      await page.click('nav a[href="/ui/deliveries"]');
      await waitText("The API refused the token (401)");
      expect(await page.$("#token")).not.toBeNull();
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await relay.reload(yaml);
    }
  });
});
