/** @module test/config/units — the small pure pieces: durations, env expansion, addresses, config location. */
import { describe, expect, it } from "bun:test";
import { parseDuration } from "../../src/config/duration";
import { expandEnv } from "../../src/config/env";
import { ConfigError } from "../../src/config/errors";
import { CONFIG_CANDIDATES, resolveConfigPath } from "../../src/config/locate";
import { isCidr, parseListen } from "../../src/config/net";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["7d", 604_800_000],
    ["1.5s", 1_500],
    ["0s", 0],
  ])("reads %s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "30", "5 m", "1w", "-1s", "s", "1h30m"])("refuses %p", (text) => expect(parseDuration(text)).toBeNull());
});

describe("expandEnv", () => {
  const env = { A: "x", EMPTY: "" };
  it.each([
    ["${A}", "x"],
    ["pre-${A}-post", "pre-x-post"],
    ["${B:-dflt}", "dflt"],
    ["${EMPTY:-dflt}", "dflt"],
    ["${EMPTY}", ""],
    ["${A:-dflt}", "x"],
    ["$${A}", "${A}"],
    ["$$${A}", "$${A}"],
    ["no refs $A", "no refs $A"],
  ])("expands %p", (text, out) => expect(expandEnv(text, env)).toEqual({ ok: true, text: out }));

  it.each([
    ["${B}", "environment variable B is not set"],
    ["${A", "unterminated ${"],
    ["${1X}", "invalid variable reference"],
  ])("refuses %p", (text, message) => {
    const result = expandEnv(text, env);
    expect(result.ok ? "" : result.message).toContain(message);
  });
});

describe("addresses", () => {
  it.each(["127.0.0.0/8", "0.0.0.0/0", "10.1.2.3/32", "::1/128", "fd00::/8"])("accepts CIDR %s", (c) => expect(isCidr(c)).toBe(true));
  it.each(["127.0.0.1", "10.0.0.0/33", "::/129", "300.0.0.0/8", "10.0.0.0/-1", "x/8"])("refuses CIDR %s", (c) => expect(isCidr(c)).toBe(false));
  it.each([
    ["127.0.0.1:8787", { host: "127.0.0.1", port: 8787 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:443", { host: "::1", port: 443 }],
  ])("reads listen %s", (text, address) => expect(parseListen(text)).toEqual(address));
  it.each(["8787", "host:", ":80", "h:70000", "[nope]:80", "::1:80"])("refuses listen %s", (text) => expect(parseListen(text)).toBeNull());
});

describe("ConfigError", () => {
  it("prints FILE:LINE:COL: key.path: message", () => {
    expect(String(new ConfigError("c.yaml", 3, 7, "endpoints[0].url", "expected a URL"))).toBe("c.yaml:3:7: endpoints[0].url: expected a URL");
    expect(String(new ConfigError("c.yaml", 1, 1, "", "invalid YAML"))).toBe("c.yaml:1:1: invalid YAML");
  });
});

describe("resolveConfigPath", () => {
  const none = () => false;
  it("prefers --config, then $HOOKRELAY_CONFIG, even when they do not exist", () => {
    expect(resolveConfigPath("flag.yaml", { HOOKRELAY_CONFIG: "env.yaml" }, none)).toBe("flag.yaml");
    expect(resolveConfigPath(undefined, { HOOKRELAY_CONFIG: "env.yaml" }, none)).toBe("env.yaml");
  });

  it("then takes the first default location that exists, else null", () => {
    const [local, system] = CONFIG_CANDIDATES;
    expect(resolveConfigPath(undefined, {}, (p) => p === system)).toBe(system ?? "");
    expect(resolveConfigPath(undefined, {}, () => true)).toBe(local ?? "");
    expect(resolveConfigPath(undefined, { HOOKRELAY_CONFIG: "" }, none)).toBeNull();
  });
});
