/** @module test/cli/target — how client commands find the daemon: environment first, then the config's listen address and first token. */
import { describe, expect, it } from "bun:test";
import type { CliIo } from "../../src/cli/io";
import { resolveTarget } from "../../src/cli/target";
import { deferCleanup } from "../helpers/cleanup";
import { tempDir, writeConfig } from "../helpers/relay";

const defer = deferCleanup();

const io = (env: Record<string, string>): CliIo => ({ stdout: () => {}, stderr: () => {}, env, isTTY: false });

function config(listen: string, auth: string): string {
  const tmp = tempDir();
  defer(tmp.remove);
  return writeConfig(tmp.dir, `server:\n  listen: "${listen}"\nauth:\n${auth}endpoints: []\n`);
}

describe("finding the daemon", () => {
  it("uses server.listen and the first admin token from the config", () => {
    const path = config("127.0.0.1:8799", "  ingest_tokens: [ing]\n  admin_tokens: [adm1, adm2]\n");
    expect(resolveTarget(path, "admin", io({}))).toEqual({ url: "http://127.0.0.1:8799", token: "adm1", from: path });
    expect(resolveTarget(path, "ingest", io({})).token).toBe("ing");
  });

  it("reaches a wildcard listen address on this host", () => {
    expect(resolveTarget(config("0.0.0.0:8799", "  admin_tokens: [a]\n"), "admin", io({})).url).toBe("http://127.0.0.1:8799");
    expect(resolveTarget(config("[::]:8799", "  admin_tokens: [a]\n"), "admin", io({})).url).toBe("http://[::1]:8799");
  });

  it("lets the environment override, and needs no config when it names both", () => {
    const env = { HOOKRELAY_URL: "http://10.0.0.5:9000/", HOOKRELAY_ADMIN_TOKEN: "t", HOOKRELAY_CONFIG: "/nonexistent.yaml" };
    expect(resolveTarget(undefined, "admin", io(env))).toEqual({ url: "http://10.0.0.5:9000", token: "t", from: "the environment" });
    const path = config("127.0.0.1:8799", "  admin_tokens: [adm]\n");
    expect(resolveTarget(path, "admin", io({ HOOKRELAY_ADMIN_TOKEN: "env" })).token).toBe("env");
    expect(resolveTarget(path, "ingest", io({ HOOKRELAY_INGEST_TOKEN: "ing" })).token).toBe("ing");
  });

  it("says what is wrong with a config it cannot use", () => {
    expect(() => resolveTarget(config("127.0.0.1:0", "  admin_tokens: [a]\n"), "admin", io({}))).toThrow("listens on port 0");
    expect(() => resolveTarget(config("127.0.0.1:8799", "  ingest_tokens: [i]\n"), "admin", io({}))).toThrow("has no admin token");
    expect(() => resolveTarget(config("nowhere", ""), "admin", io({}))).toThrow(/is invalid \(.*server\.listen/);
  });
});
