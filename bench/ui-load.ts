/**
 * @module bench/ui-load
 * How soon the dashboard is usable, in headless Chromium against the compiled
 * binary: from navigation to the sign-in form on screen, and from signing in
 * to the overview with its figures and charts drawn. A fresh browser profile
 * each round, so nothing is cached. Args: {url, token, rounds}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { CHROMIUM } from "../test/helpers/browser";

const { url, token, rounds } = JSON.parse(process.argv[2]!) as { url: string; token: string; rounds: number };
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

const signInMs: number[] = [];
const overviewMs: number[] = [];
for (let i = 0; i < rounds; i++) {
  const profile = mkdtempSync(join(tmpdir(), "hookrelay-bench-chromium-"));
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, `--user-data-dir=${profile}`] });
  try {
    const page = await browser.newPage();
    let t = performance.now();
    await page.goto(`${url}/ui/`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#token");
    signInMs.push(performance.now() - t);
    await page.type("#token", token);
    t = performance.now();
    await page.click("button[type=submit]");
    await page.waitForSelector(".tiles .tile-value");
    await page.waitForSelector("figure.chart svg");
    overviewMs.push(performance.now() - t);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 10) / 10;
process.stdout.write(`${JSON.stringify({ rounds, signInMs: median(signInMs), overviewMs: median(overviewMs) })}\n`);
