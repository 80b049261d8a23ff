/** @module test/config/helpers — runs the config pipeline in memory and renders its errors for table tests. */
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/types";

/** A minimal valid endpoint list; cases append keys to endpoint 0 (4-space indent). */
export const ONE_ENDPOINT = `endpoints:
  - id: a
    url: https://example.com/hook
    events: ["*"]
    secret: s
`;

/** Each error of `text` as `LINE:COL PATH: MESSAGE`. */
export function errorsOf(text: string, env: Record<string, string> = {}, files: Record<string, string> = {}): string[] {
  const result = parseConfig(text, "c.yaml", { env, readFile: fakeReader(files) });
  return result.ok ? [] : result.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`);
}

/** The Config for `text`, failing the test with the errors when it does not load. */
export function configOf(text: string, env: Record<string, string> = {}, files: Record<string, string> = {}, source = "/srv/hookrelay/config.yaml"): Config {
  const result = parseConfig(text, source, { env, readFile: fakeReader(files) });
  if (!result.ok) throw new Error(`config did not load:\n${result.errors.map(String).join("\n")}`);
  return result.config;
}

function fakeReader(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  };
}
