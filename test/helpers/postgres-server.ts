/**
 * @module test/helpers/postgres-server
 * One throwaway PostgreSQL server per test process: `initdb` in a temp dir,
 * `pg_ctl start` on 127.0.0.1 and a free port, trust authentication for the
 * superuser `postgres`. PostgreSQL refuses to run as root, so as root its
 * programs run through `runuser -u postgres --` and the temp dir belongs to
 * that user.
 *
 * A crashed or killed test process must not leave the server running: a
 * watchdog (`sh`, in a session of its own so a Ctrl-C to the terminal does
 * not reach it) holds the read end of a pipe from this process. When the
 * process ends, however it ends, the kernel closes the write end; the
 * watchdog then stops the server (`pg_ctl stop -m immediate`) and removes the
 * dir. Ending the pipe on purpose is how `stop()` works too, so there is one
 * way a server goes away. A dir whose process and watchdog both died is
 * cleaned the same way by the next start (`sweepAbandoned`).
 *
 * The server is tuned to be thrown away: no fsync, no full-page writes, no
 * waiting for the WAL at commit. That only loses data if the machine itself
 * crashes, when the temp dir is worthless anyway; tests that kill a hookrelay
 * process leave PostgreSQL running and see everything it committed.
 */
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Debian's layout: one folder per major version, none of it on PATH. */
const DEBIAN_ROOT = "/usr/lib/postgresql";
const DIR_PREFIX = "hookrelay-pg-";
/** The OS user PostgreSQL runs as when the tests run as root (Debian's package creates it). */
const OS_USER = "postgres";
const SUPERUSER = "postgres";
/** Another process can take the probed free port before PostgreSQL binds it. */
const START_ATTEMPTS = 3;

const SETTINGS = `
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
full_page_writes = off
synchronous_commit = off
`;

/**
 * $1 the server's dir, $2 pg_ctl, the rest the prefix that runs it as the
 * server's owner. `cat` returns at end of input: when the test process ends.
 */
const WATCHDOG = `dir=$1; pg_ctl=$2; shift 2
cat >/dev/null
if [ -f "$dir/data/postmaster.pid" ]; then "$@" "$pg_ctl" stop -D "$dir/data" -m immediate -s; fi
rm -rf "$dir"`;

export interface PostgresServer {
  /** The temp dir that holds the data directory and the server log. */
  readonly dir: string;
  readonly port: number;
  /** Major version of the server, e.g. "15". */
  readonly version: string;
  /** URL of `database` on this server, as the superuser. */
  url(database: string): string;
  /** Runs SQL as the superuser on the `postgres` database (psql; one statement may not be in a transaction block). */
  admin(sql: string): Promise<void>;
  /** Stops the server and removes its dir. */
  stop(): Promise<void>;
}

/** Names the folder of PostgreSQL's programs to use instead; one without them counts as PostgreSQL not installed. */
export const BIN_VARIABLE = "HOOKRELAY_TEST_PG_BIN";

/**
 * The folder of PostgreSQL's server programs: $HOOKRELAY_TEST_PG_BIN if set,
 * else the newest of Debian's /usr/lib/postgresql/<version>/bin, else
 * wherever `pg_ctl` is on PATH; null when PostgreSQL is not installed.
 */
export function findPostgresBin(): string | null {
  const chosen = process.env[BIN_VARIABLE];
  if (chosen !== undefined) return hasServerPrograms(chosen) ? chosen : null;
  const versions = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((v) => hasServerPrograms(join(DEBIAN_ROOT, v, "bin")))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  if (versions[0]) return join(DEBIAN_ROOT, versions[0], "bin");
  const onPath = Bun.which("pg_ctl");
  return onPath && hasServerPrograms(dirname(onPath)) ? dirname(onPath) : null;
}

function hasServerPrograms(dir: string): boolean {
  return ["initdb", "pg_ctl", "psql"].every((program) => existsSync(join(dir, program)));
}

let shared: Promise<PostgresServer> | null = null;

/** The server of this test process, started on first use. */
export function postgresServer(bin: string): Promise<PostgresServer> {
  shared ??= startPostgresServer(bin).catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
}

/** Stops the server of this test process, if one was started. */
export async function stopPostgresServer(): Promise<void> {
  const server = shared;
  shared = null;
  if (server) await (await server.catch(() => null))?.stop();
}

/** Starts a server of its own (tests use `postgresServer`, which shares one). */
export async function startPostgresServer(bin: string): Promise<PostgresServer> {
  const runAs = process.getuid?.() === 0 ? ["runuser", "-u", OS_USER, "--"] : [];
  sweepAbandoned(bin, runAs);
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  if (runAs.length) chownSync(dir, osId(OS_USER, "-u"), osId(OS_USER, "-g"));
  const watchdog = Bun.spawn(["sh", "-c", WATCHDOG, "watchdog", dir, join(bin, "pg_ctl"), ...runAs], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "ignore",
    detached: true,
  });
  watchdog.unref();
  const stop = async () => {
    watchdog.stdin.end();
    await watchdog.exited;
  };
  try {
    const data = join(dir, "data");
    await run([...runAs, join(bin, "initdb"), "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], dir);
    appendFileSync(join(data, "postgresql.conf"), SETTINGS);
    const port = await startOnFreePort(bin, runAs, dir);
    const version = readFileSync(join(data, "PG_VERSION"), "utf8").trim();
    return {
      dir,
      port,
      version,
      url: (database) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`,
      admin: (sql) =>
        run([join(bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", SUPERUSER, "-d", "postgres", "-c", sql], dir),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startOnFreePort(bin: string, runAs: string[], dir: string): Promise<number> {
  const log = join(dir, "server.log");
  for (let attempt = 1; ; attempt++) {
    const port = freePort();
    try {
      await run([...runAs, join(bin, "pg_ctl"), "start", "-D", join(dir, "data"), "-l", log, "-w", "-t", "30", "-s", "-o", `-p ${port}`], dir);
      return port;
    } catch (err) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-2_000) : "";
      if (attempt < START_ATTEMPTS && tail.includes("Address already in use")) continue;
      throw new Error(`${(err as Error).message}\nserver log:\n${tail}`);
    }
  }
}

/** Stops and removes the servers of test processes that died with their watchdog. */
function sweepAbandoned(bin: string, runAs: string[]): void {
  const pattern = new RegExp(`^${DIR_PREFIX}(\\d+)-`);
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    Bun.spawnSync(["sh", "-c", WATCHDOG, "watchdog", join(tmpdir(), name), join(bin, "pg_ctl"), ...runAs], { stdin: "ignore" });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

function osId(user: string, which: "-u" | "-g"): number {
  const out = Bun.spawnSync(["id", which, user]);
  if (!out.success) throw new Error(`PostgreSQL must run as the OS user ${user}, which does not exist: ${out.stderr.toString().trim()}`);
  return Number(out.stdout.toString());
}

/** Runs a command to its end; throws with its output when it fails. */
async function run(cmd: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited with ${code}: ${(err || out).trim()}`);
}
