/**
 * @module test/helpers/browser
 * A headless Chromium for the dashboard tests, driven with puppeteer-core:
 * Debian's /usr/bin/chromium (or $CHROMIUM_PATH), a fresh profile in a temp
 * dir, and the flags that keep it from dialling hosts this machine cannot
 * reach. Without a browser the tests are skipped with a sentence saying how
 * to get one — except under CI=true, where a missing browser is a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { ROOT } from "./relay";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where the test run writes its screenshots (dist/ is ignored by git). */
export const SCREENSHOTS = join(ROOT, "dist", "screenshots");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--window-size=1280,900",
];

/** True when a browser is there; otherwise says how to get one (and fails under CI). */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const how = `no Chromium at ${CHROMIUM}: install it (Debian: apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`;
  if (process.env.CI === "true") throw new Error(`the dashboard's browser tests cannot run: ${how}`);
  process.stderr.write(`skipping the dashboard's browser tests: ${how}\n`);
  return false;
}

export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "hookrelay-chromium-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
    defaultViewport: { width: 1280, height: 900 },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
