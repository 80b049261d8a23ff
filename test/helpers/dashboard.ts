/**
 * @module test/helpers/dashboard
 * A browser tab on the dashboard for tests: what it shows as text, the
 * buttons it offers, waiting for a sentence, and a record of everything the
 * tab printed to its console and every API answer it received, so a test
 * can look for a leak in all of it.
 */
import type { Page } from "puppeteer-core";
import { ADMIN_TOKEN } from "./relay";
import type { TestBrowser } from "./browser";

/** Globals of the page, for the functions that run in the browser. */
declare const document: { body: { innerText: string }; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };

export interface ApiAnswer {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export interface UiTab {
  readonly page: Page;
  /** Lines the page wrote to its console, errors and CSP reports included. */
  readonly console: string[];
  /** Every answer of the API (/v1/…) this tab received. */
  readonly answers: ApiAnswer[];
  /** Opens a dashboard path (below /ui) or a full URL. */
  goto(pathOrUrl: string): Promise<void>;
  text(): Promise<string>;
  waitText(needle: string, timeoutMs?: number): Promise<void>;
  /** The labels of the buttons and button-styled links shown. */
  actions(): Promise<string[]>;
  /** Clicks the button or link labelled exactly `label`, once the page shows it. */
  click(label: string): Promise<void>;
  /**
   * Waits (up to 5 s) for the bodies of the API answers received to be read
   * into `answers`; answers the number still unread then, which are bodies
   * the page itself never got either (a navigation cancelled them).
   */
  settle(): Promise<number>;
}

export async function openTab(browser: TestBrowser, base: string): Promise<UiTab> {
  const page = await browser.browser.newPage();
  const console: string[] = [];
  const answers: ApiAnswer[] = [];
  const reading = new Set<Promise<void>>();
  page.on("console", (m) => console.push(m.text()));
  page.on("pageerror", (e) => console.push(String(e)));
  page.on("response", (r) => {
    if (!new URL(r.url()).pathname.startsWith("/v1/")) return;
    const read = r.text().then(
      (body) => void answers.push({ url: r.url(), status: r.status(), body }),
      () => void answers.push({ url: r.url(), status: r.status(), body: "" }),
    );
    reading.add(read);
    void read.finally(() => reading.delete(read));
  });
  const tab: UiTab = {
    page,
    console,
    answers,
    async goto(p) {
      await page.goto(p.startsWith("http") ? p : `${base}/ui${p}`);
    },
    text: () => page.evaluate(() => document.body.innerText),
    async waitText(needle, timeoutMs = 10_000) {
      await page.waitForFunction((n: string) => document.body.innerText.includes(n), { timeout: timeoutMs }, needle);
    },
    actions: () => page.evaluate(() => Array.from(document.querySelectorAll("button, a.button"), (b) => (b.textContent ?? "").trim())),
    async click(label) {
      const quoted = label.includes("'") ? `"${label}"` : `'${label}'`;
      const target = await page.waitForSelector(`xpath/.//*[(self::button or self::a) and normalize-space(.)=${quoted}]`, { timeout: 10_000 });
      await target!.click();
    },
    async settle() {
      const deadline = Date.now() + 5_000;
      while (reading.size > 0 && Date.now() < deadline) await Promise.race([...reading, Bun.sleep(50)]);
      return reading.size;
    },
  };
  return tab;
}

/** A tab signed in with the admin token. */
export async function adminTab(browser: TestBrowser, base: string): Promise<UiTab> {
  const tab = await openTab(browser, base);
  await tab.goto("/");
  await tab.page.waitForSelector("#token");
  await tab.page.type("#token", ADMIN_TOKEN);
  await tab.page.click("button[type=submit]");
  await tab.page.waitForSelector(".who");
  return tab;
}
