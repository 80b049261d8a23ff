/**
 * @module test/cli/process
 * A long-running `hookrelay` subprocess (receive, serve) whose output is read
 * as it arrives, so tests wait for lines instead of sleeping.
 */
import { waitFor } from "../helpers/wait";
import { cleanEnv } from "./helpers";
import { hookrelayCommand, ROOT } from "../helpers/relay";

export interface Running {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout or stderr matches `pattern`; returns the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number>;
}

/** Starts `hookrelay ...args`. */
export function start(args: string[], env: Record<string, string> = cleanEnv()): Running {
  const proc = Bun.spawn([...hookrelayCommand(), ...args], { cwd: ROOT, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const done = Promise.all([pump(proc.stdout, (s) => (out += s)), pump(proc.stderr, (s) => (err += s))]);
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, timeoutMs = 10_000) =>
      waitFor(`${pattern} in the output of hookrelay ${args[0]}`, () => {
        if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}: ${err}${out}`);
        return (out + err).match(pattern);
      }, timeoutMs),
    async stop() {
      proc.kill("SIGINT");
      const code = await proc.exited;
      await done;
      return code;
    },
  };
}
