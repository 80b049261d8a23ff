/**
 * @module config/locate
 * Which config file to use, in the contract's order (`--config`, `$HOOKRELAY_CONFIG`,
 * `./hookrelay.yaml`, `/etc/hookrelay/config.yaml`), and the example config built
 * into the binary for when there is none.
 */
import exampleText from "../../config.example.yaml" with { type: "text" };
import type { Env } from "./env";

/** Looked for in order when neither --config nor $HOOKRELAY_CONFIG names a file. */
export const CONFIG_CANDIDATES: readonly string[] = ["./hookrelay.yaml", "/etc/hookrelay/config.yaml"];

/**
 * The config path to load, or null when none exists. A path named by the flag or the
 * variable is returned even if missing, so the mistake is reported rather than skipped.
 */
export function resolveConfigPath(flag: string | undefined, env: Env, exists: (path: string) => boolean): string | null {
  if (flag !== undefined && flag !== "") return flag;
  const fromEnv = env.HOOKRELAY_CONFIG;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return CONFIG_CANDIDATES.find((candidate) => exists(candidate)) ?? null;
}

/** The text of config.example.yaml, embedded in the compiled binary. */
export function embeddedExampleConfig(): string {
  return exampleText as string;
}
