/**
 * @module bench/proc
 * Child processes of the benchmark: bench scripts that print one JSON line,
 * long-lived servers that print their URL first, the hookrelay daemon, and
 * RSS sampling from /proc (the benchmark targets Linux).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const BENCH_DIR = import.meta.dir;
const BUN = process.execPath;

/** Runs a bench script to completion and parses the JSON line it prints last. */
export async function runScript<T>(script: string, args: unknown): Promise<T> {
  const proc = Bun.spawn([BUN, join(BENCH_DIR, script), JSON.stringify(args)], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  const last = out.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`${script} failed (exit ${code}): ${out}`);
  return JSON.parse(last) as T;
}

export interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts a bench server script and waits for the URL it prints. */
export async function startScript(script: string): Promise<Server> {
  const proc = Bun.spawn([BUN, join(BENCH_DIR, script)], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${script} exited before printing its URL`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const { url } = JSON.parse(text.split("\n")[0]!) as { url: string };
  return {
    url,
    pid: proc.pid,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** Resident set size of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Clock ticks per second of /proc/PID/stat's times: USER_HZ, 100 on every Linux the benchmark targets. */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far, all its threads, user and system, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) throw new Error(`no process ${pid}`);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of a process and its children, user and system: its own, its
 * children's that have exited (the kernel adds theirs once it reaps them) and
 * those of the children alive now. A PostgreSQL server is such a tree: the
 * postmaster and one backend per connection, started and ended as clients
 * come and go.
 */
export function treeCpuSeconds(pid: number): number {
  const own = statFields(pid);
  if (!own) throw new Error(`no process ${pid}`);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync("/proc")) {
    const child = /^\d+$/.test(entry) ? statFields(Number(entry)) : null;
    if (child && Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** The fields of /proc/PID/stat after the command name, from the state on; null when the process has gone. */
function statFields(pid: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name is in parentheses and may hold spaces.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Samples a process's RSS every 200 ms until stopped; answers the largest. */
export function sampleRss(pid: number): { stop: () => number } {
  let max = rssMb(pid);
  const timer = setInterval(() => {
    max = Math.max(max, rssMb(pid));
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, rssMb(pid));
    },
  };
}

export interface RunningDaemon extends Server {
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readonly readyMs: number;
}

/** Polling /readyz this often keeps the start-up figure within about a millisecond. */
const READY_POLL_MS = 1;
const READY_TIMEOUT_MS = 30_000;

/** Runs `binary serve --config configPath` and waits for /readyz to answer 200, for at most `readyTimeoutMs`. */
export async function startDaemon(binary: string, configPath: string, port: number, logPath: string, readyTimeoutMs = READY_TIMEOUT_MS): Promise<RunningDaemon> {
  const started = performance.now();
  const proc = Bun.spawn([binary, "serve", "--config", configPath], {
    stdin: "ignore",
    stdout: Bun.file(logPath),
    stderr: "inherit",
    env: { PATH: process.env.PATH ?? "" },
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`hookrelay exited with ${proc.exitCode}; see ${logPath}`);
    if (performance.now() - started > readyTimeoutMs) throw new Error(`hookrelay was not ready within ${readyTimeoutMs} ms`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await Bun.sleep(READY_POLL_MS);
  }
  const readyMs = performance.now() - started;
  return {
    url,
    pid: proc.pid,
    readyMs,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
