/**
 * @module test/helpers/relay
 * Real hookrelay daemons for tests, each with its own temp dir, SQLite file and
 * port 0: `startRelay` runs it in this process (fast, inspectable), and
 * `spawnRelay` runs `hookrelay serve` as a subprocess, for signals, crashes and
 * the CLI.
 */
import type { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load";
import { type Daemon, startDaemon } from "../../src/daemon";
import { createLogger } from "../../src/log";
import type { Lookup } from "../../src/net/resolve";
import { waitFor } from "./wait";

export const INGEST_TOKEN = "test-ingest-token";
export const ADMIN_TOKEN = "test-admin-token";
export const ROOT = join(import.meta.dir, "..", "..");

/** A temp dir removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-test-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A full config around `endpointsYaml` (the YAML list under `endpoints:`,
 * indented by two spaces), listening on port 0 with a database in `dir`;
 * `storage` adds lines to the storage section (each indented two spaces,
 * ending in a newline).
 */
export function configYaml(dir: string, endpointsYaml: string, extra = "", storage = ""): string {
  return `server:
  listen: 127.0.0.1:0
  shutdown_grace: 5s
storage:
  path: ${join(dir, "hookrelay.db")}
${storage}auth:
  ingest_tokens: [${INGEST_TOKEN}]
  admin_tokens: [${ADMIN_TOKEN}]
network:
  allow: [127.0.0.0/8]
log:
  level: debug
${extra}
endpoints:
${endpointsYaml}
`;
}

export interface InProcessRelay {
  readonly daemon: Daemon;
  /** The relay's SQLite database, to look at what it stored. */
  readonly db: Database;
  readonly url: string;
  readonly dir: string;
  readonly logs: string[];
  /** Posts JSON with the ingest token. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Requests with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Replaces the config (as SIGHUP would after editing the file). */
  reload(yaml: string): Promise<void>;
  stop(): Promise<void>;
}

function parseOrThrow(yaml: string, env: Record<string, string | undefined>) {
  const result = parseConfig(yaml, "test.yaml", { env, readFile: (p) => readFileSync(p, "utf8") });
  if (!result.ok) throw new Error(`test config invalid:\n${result.errors.map(String).join("\n")}`);
  return result.config;
}

/** Starts a daemon in this process on `yaml` (see configYaml). */
export async function startRelay(
  yaml: string,
  options: { dir: string; env?: Record<string, string | undefined>; lookup?: Lookup },
): Promise<InProcessRelay> {
  const env = options.env ?? {};
  const logs: string[] = [];
  const config = parseOrThrow(yaml, env);
  const log = createLogger(config.log.level, "json", (line) => logs.push(line));
  const daemon = await startDaemon({ config, log, ...(options.lookup ? { lookup: options.lookup } : {}) });
  const request = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${daemon.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  if (!daemon.db) throw new Error("startRelay runs on SQLite; a PostgreSQL relay is spawned (spawnRelay)");
  return {
    daemon,
    db: daemon.db,
    url: daemon.url,
    dir: options.dir,
    logs,
    post: (path, body, headers) => request("POST", path, INGEST_TOKEN, body, headers),
    admin: (method, path, body) => request(method, path, ADMIN_TOKEN, body),
    reload: (next) => daemon.reload(parseOrThrow(next, env)),
    stop: () => daemon.stop(),
  };
}

export interface SpawnedRelay {
  readonly url: string;
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;
}

/** The command that runs hookrelay: the built binary when HOOKRELAY_BIN is set, else the source with Bun. */
export function hookrelayCommand(): string[] {
  const bin = process.env.HOOKRELAY_BIN;
  return bin ? [bin] : [process.execPath, join(ROOT, "src", "main.ts")];
}

/** Runs `hookrelay serve --config <file>` as a subprocess and waits until it listens. */
export async function spawnRelay(configPath: string, env: Record<string, string> = {}, command = hookrelayCommand()): Promise<SpawnedRelay> {
  const proc = Bun.spawn([...command, "serve", "--config", configPath], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let out = "";
  let err = "";
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const outDone = pump(proc.stdout, (s) => (out += s));
  const errDone = pump(proc.stderr, (s) => (err += s));
  const exited = Promise.all([proc.exited, outDone, errDone]).then(([code]) => code);
  const line = await waitFor(
    "the daemon to listen",
    async () => {
      if (proc.exitCode !== null) throw new Error(`hookrelay exited with ${proc.exitCode}: ${err}${out}`);
      return out.split("\n").find((l) => l.includes("hookrelay listening"));
    },
    15_000,
  );
  const url = JSON.parse(line).url as string;
  return { url, proc, stdout: () => out, stderr: () => err, exited };
}

/** Writes `yaml` to `<dir>/hookrelay.yaml` and returns the path. */
export function writeConfig(dir: string, yaml: string): string {
  const path = join(dir, "hookrelay.yaml");
  writeFileSync(path, yaml);
  return path;
}
