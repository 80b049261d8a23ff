/**
 * The tests' PostgreSQL: one server per test process, a fresh database per
 * block, nothing left running when the process dies, and a missing
 * PostgreSQL is a skip outside CI and a failure in it.
 */
import { describe, expect, it } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres, POSTGRES_MISSING } from "../helpers/postgres";
import { BIN_VARIABLE } from "../helpers/postgres-server";
import { ROOT } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const FIXTURES = join(ROOT, "test", "fixtures", "postgres");
const defer = deferCleanup();
const first: { name?: string; port?: string } = {};

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes("\n")) break;
  }
  return text.split("\n")[0]!;
}

async function accepts(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

describePostgres("a block's database", (db) => {
  it("is empty, its own, and answers on 127.0.0.1", async () => {
    const url = new URL(db.url);
    expect(url.hostname).toBe("127.0.0.1");
    const sql = new Bun.SQL(db.url);
    const [row] = await sql`SELECT current_database() AS name,
      (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables`;
    await sql`CREATE TABLE left_behind (id int)`;
    await sql.close();
    expect(row).toEqual({ name: db.name, tables: 0 });
    first.name = db.name;
    first.port = url.port;
  });
});

describePostgres("the next block", (db) => {
  it("gets another database on the same server, and the last one is dropped", async () => {
    expect(db.name).not.toBe(first.name!);
    expect(new URL(db.url).port).toBe(first.port!);
    const sql = new Bun.SQL(db.url);
    const left = await sql`SELECT datname FROM pg_database WHERE datname = ${first.name!}`;
    await sql.close();
    expect(left).toEqual([]);
  });

  it("is stopped and removed with a test process that is killed", async () => {
    const child = Bun.spawn([process.execPath, join(FIXTURES, "hold-server.ts")], { stdout: "pipe", stderr: "inherit" });
    defer(() => child.kill("SIGKILL"));
    const { dir, port } = JSON.parse(await firstLine(child.stdout)) as { dir: string; port: number };
    expect(existsSync(join(dir, "data", "postmaster.pid"))).toBe(true);
    expect(await accepts(port)).toBe(true);

    child.kill("SIGKILL");
    await waitFor("the server to stop listening", async () => !(await accepts(port)));
    await waitFor("the server's dir to be removed", () => !existsSync(dir));
  });
});

describe("without PostgreSQL", () => {
  async function runHidden(ci: string) {
    const proc = Bun.spawn([process.execPath, "test", "./test/fixtures/postgres/needs-postgres.ts"], {
      cwd: ROOT,
      env: { ...process.env, [BIN_VARIABLE]: join(FIXTURES, "no-such-folder"), CI: ci },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { output: out + err, code };
  }

  it("skips the PostgreSQL tests outside CI, saying how to install it, once", async () => {
    const { output, code } = await runHidden("");
    expect(code).toBe(0);
    expect(output.split(`PostgreSQL tests skipped: ${POSTGRES_MISSING}`).length).toBe(2);
    expect(output).toContain("apt-get install -y postgresql");
    expect(output).toMatch(/\b2 skip\b/);
    expect(output).toMatch(/\b0 pass\b/);
  });

  it("fails them in CI", async () => {
    const { output, code } = await runHidden("true");
    expect(code).toBe(1);
    expect(output).toContain(`${POSTGRES_MISSING}; CI must run the PostgreSQL tests`);
    expect(output).toMatch(/\b2 fail\b/);
    expect(output).not.toContain("skipped");
  });
});
