/**
 * @module test/cli/helpers
 * Running CLI commands the two ways users meet them: in-process with captured
 * output (fast, for what a command prints), and as a real `hookrelay`
 * subprocess (for exit codes and what reaches the terminal).
 */
import { existsSync } from "node:fs";
import type { CliIo, Command } from "../../src/cli/io";
import { hookrelayCommand, ROOT } from "../helpers/relay";

export interface Captured {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` in this process; throws what the command throws (UsageError, CliError). */
export async function runInProcess(
  command: Command,
  argv: string[],
  env: Record<string, string | undefined>,
  isTTY = false,
): Promise<Captured & { code: number }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, isTTY };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}

/** Environment without the developer's HOOKRELAY_* variables, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith("HOOKRELAY_") && v !== undefined)) as Record<string, string>;
  return { ...base, ...extra };
}

/** Runs `hookrelay ...args` as a subprocess and waits for it to exit. */
export async function runCli(args: string[], env: Record<string, string> = cleanEnv(), cwd = ROOT): Promise<Captured & { code: number }> {
  const proc = Bun.spawn([...hookrelayCommand(), ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** What a passing `check` prints for a config with `endpoints` endpoints on `database`, with no encryption key set and no backlog. */
export function checkPassed(endpoints: number, database: string): string {
  const key = `${database}.key`;
  const what = "the stored secrets of endpoints created over the API; back it up with the database";
  const note = existsSync(key) ? `key file ${key} encrypts ${what}` : `key file ${key} does not exist yet; serve creates it at its first start to encrypt ${what}`;
  return `config ok: ${endpoints} endpoints\n${note}\n`;
}
