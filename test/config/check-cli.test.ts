/** @module test/config/check-cli — `hookrelay check` as a user runs it: a real subprocess, real files, exit codes. */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPassed } from "../cli/helpers";
import { ONE_ENDPOINT } from "./helpers";

const ROOT = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "hookrelay-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// No HOOKRELAY_* variables leak in from the developer's shell.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("HOOKRELAY_")));

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "src/main.ts", "check", ...args], { cwd: ROOT, env: cleanEnv, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("hookrelay check", () => {
  it("prints the endpoint count and exits 0 for a valid file", async () => {
    const result = await check("--config", file("ok.yaml", ONE_ENDPOINT));
    expect(result).toEqual({ code: 0, stdout: checkPassed(1, join(dir, "data", "hookrelay.db")), stderr: "" });
  });

  it("prints every error as FILE:LINE:COL: key.path: message and exits 1", async () => {
    const path = file("broken.yaml", `server:\n  listen: nowhere\n${ONE_ENDPOINT.replace("https://example.com/hook", "ftp://x/")}    retires: 3\n`);
    const result = await check("--config", path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([
      `${path}:2:11: server.listen: expected host:port or [v6]:port with a port up to 65535, like 127.0.0.1:8787`,
      `${path}:5:10: endpoints[0].url: expected an http or https URL`,
      `${path}:8:5: endpoints[0].retires: unknown key "retires"`,
    ]);
  });

  it("names the key path of every duplicate key, beside the other errors", async () => {
    const path = file("duplicates.yaml", `${ONE_ENDPOINT}    timeout: 5s\n    timeout: 10s\n    retires: 3\nlog: { level: info, level: warn }\n`);
    const result = await check("--config", path);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([
      `${path}:7:5: endpoints[0].timeout: duplicate key (first given on line 6)`,
      `${path}:8:5: endpoints[0].retires: unknown key "retires"`,
      `${path}:9:21: log.level: duplicate key (first given on line 9)`,
    ]);
  });

  it("gives the errors as one JSON document with --json", async () => {
    const path = file("broken.json.yaml", "log: { level: loud }\n");
    const result = await check("--config", path, "--json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      errors: [{ file: path, line: 1, col: 15, path: "log.level", message: "expected one of debug, info, warn, error" }],
    });
  });

  it("reports a missing file as one error at 1:1", async () => {
    const path = join(dir, "absent.yaml");
    const result = await check("--config", path);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${path}:1:1: cannot read config file: no such file\n`);
  });

  it("exits 2 on an unknown flag", async () => {
    const result = await check("--bogus");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("hookrelay check:");
  });

  it("passes config.example.yaml with no environment set", async () => {
    const result = await check("--config", "config.example.yaml");
    expect(result).toEqual({ code: 0, stdout: checkPassed(1, join(ROOT, "data", "hookrelay.db")), stderr: "" });
  });
});
