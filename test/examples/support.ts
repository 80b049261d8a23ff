/**
 * @module test/examples/support
 * Runs the configs in examples/ as shipped: `hookrelay check` as a subprocess,
 * the loaded Config for the documented numbers, and a real daemon whose only
 * changes are the ones a test needs (port 0, a temp database, test tokens,
 * loopback allowed, endpoint URLs pointed at a local receiver). The receiver
 * reads the raw body bytes, as every vendor doc tells its customers to.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { loadConfigFile } from "../../src/config/load";
import type { Config } from "../../src/config/types";
import { ADMIN_TOKEN, INGEST_TOKEN, type InProcessRelay, ROOT, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

export const TOKENS = { HOOKRELAY_INGEST_TOKEN: INGEST_TOKEN, HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN };

const examplePath = (name: string) => join(ROOT, "examples", `${name}.yaml`);

/** `hookrelay check --config examples/NAME.yaml` with only `env` (and PATH) set. */
export async function checkExample(name: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/main.ts", "check", "--config", `examples/${name}.yaml`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** The example loaded exactly as `serve` would load it. */
export function loadExample(name: string, env: Record<string, string>): Config {
  const result = loadConfigFile(examplePath(name), env);
  if (!result.ok) throw new Error(`examples/${name}.yaml did not load:\n${result.errors.map(String).join("\n")}`);
  return result.config;
}

/** Starts a daemon on the example with every endpoint URL pointed at `receiverUrl` (keeping each URL's path). */
export async function startExample(name: string, env: Record<string, string>, receiverUrl: string): Promise<{ relay: InProcessRelay; stop: () => Promise<void> }> {
  const tmp = tempDir();
  const doc = parseDocument(readFileSync(examplePath(name), "utf8"));
  doc.setIn(["server", "listen"], "127.0.0.1:0");
  doc.setIn(["storage", "path"], join(tmp.dir, "hookrelay.db"));
  doc.setIn(["network", "allow"], ["127.0.0.0/8"]);
  const endpoints = doc.get("endpoints") as { items: unknown[] };
  endpoints.items.forEach((_item, i) => {
    const path = new URL(String(doc.getIn(["endpoints", i, "url"]))).pathname;
    doc.setIn(["endpoints", i, "url"], new URL(path, receiverUrl).href);
  });
  const relay = await startRelay(doc.toString(), { dir: tmp.dir, env: { ...TOKENS, ...env } });
  return {
    relay,
    stop: async () => {
      await relay.stop();
      tmp.remove();
    },
  };
}

export interface RawRequest {
  readonly path: string;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly status: number;
}

/** A receiver whose answer is the vendor-documented handler's; records each request with the status it got. */
export interface VendorReceiver {
  readonly url: string;
  readonly requests: RawRequest[];
  /** Waits until `count` requests were answered with `status`; returns those. */
  waitFor(count: number, status: number): Promise<RawRequest[]>;
  /** POSTs `body` with `headers` to the receiver as a forger would, returning the status it answers. */
  replay(path: string, headers: Headers, body: Buffer): Promise<number>;
  close(): void;
}

/** Starts a receiver that runs `handle` on the raw body bytes, headers and path of each POST. */
export function startVendorReceiver(handle: (body: Buffer, headers: Headers, path: string) => Response | Promise<Response>): VendorReceiver {
  const requests: RawRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = Buffer.from(await request.arrayBuffer());
      const path = new URL(request.url).pathname;
      let response: Response;
      try {
        response = await handle(body, request.headers, path);
      } catch {
        // What Express does with a handler that throws (a malformed header, say).
        response = new Response("Internal Server Error", { status: 500 });
      }
      requests.push({ path, headers: new Headers(request.headers), body, status: response.status });
      return response;
    },
  });
  const url = `http://127.0.0.1:${server.port}/`;
  return {
    url,
    requests,
    async waitFor(count, status) {
      return waitFor(`${count} requests answered ${status}`, () => {
        const matching = requests.filter((r) => r.status === status);
        return matching.length >= count ? matching : null;
      });
    },
    async replay(path, headers, body) {
      const forged = new Headers(headers);
      for (const name of ["host", "content-length"]) forged.delete(name);
      const res = await fetch(new URL(path, url), { method: "POST", headers: forged, body });
      await res.arrayBuffer();
      return res.status;
    },
    close: () => server.stop(true),
  };
}

/** The body with one byte of its JSON changed: a digit bumped, so it is still valid JSON. */
export function tamper(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = copy.findIndex((b) => b >= 0x30 && b <= 0x38);
  copy[at] = copy[at]! + 1;
  return copy;
}
