/**
 * @module bench/baseline
 * The compiled binary of an earlier commit, for figures judged against the
 * code as it was (BENCHMARKS.md, "CPU per delivered event"). The commit's
 * tree is exported with `git archive` into bench/.baseline/COMMIT/ — inside
 * the project, because a compiled binary must run from a filesystem that
 * allows it — built there with this checkout's node_modules, and kept for
 * later runs.
 */
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./proc";

const ROOT = join(BENCH_DIR, "..");

/** The baseline's binary, built on first use; null (with the reason on stderr) when this checkout lacks the commit. */
export async function baselineBinary(commit: string): Promise<string | null> {
  const dir = join(BENCH_DIR, ".baseline", commit);
  const binary = join(dir, "dist", "hookrelay");
  if (existsSync(binary)) return binary;
  const known = Bun.spawnSync(["git", "cat-file", "-e", `${commit}^{commit}`], { cwd: ROOT, stderr: "ignore" });
  if (known.exitCode !== 0) {
    process.stderr.write(`[bench] baseline ${commit.slice(0, 7)} is not in this checkout (a shallow clone?): its figures are skipped\n`);
    return null;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = Bun.spawn(["git", "archive", "--format=tar", commit], { cwd: ROOT, stdout: "pipe" });
  const untar = Bun.spawn(["tar", "-x", "-C", dir], { stdin: archive.stdout });
  if ((await archive.exited) !== 0 || (await untar.exited) !== 0) throw new Error(`git archive ${commit} failed`);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  process.stderr.write(`[bench] building the baseline ${commit.slice(0, 7)}\n`);
  const build = Bun.spawn([process.execPath, "run", "build"], { cwd: dir, stdout: "ignore", stderr: "inherit" });
  if ((await build.exited) !== 0) throw new Error(`building the baseline ${commit} failed`);
  return binary;
}
