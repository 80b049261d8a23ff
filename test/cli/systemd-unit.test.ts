/**
 * @module test/cli/systemd-unit
 * deploy/hookrelay.service carries what operating hookrelay needs — check
 * before start and reload, HUP to reload, a dynamic user with state and config
 * directories, credentials, hardening — never MemoryDenyWriteExecute, and
 * passes `systemd-analyze verify` where systemd is installed; so does it with
 * the drop-in deploy/hookrelay.service.d/node.conf, which hands a node of
 * several its database URL and encryption key as credentials.
 */
import { describe, expect, it } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers/relay";

const UNIT = readFileSync(join(ROOT, "deploy", "hookrelay.service"), "utf8");
const NODE_DROP_IN = readFileSync(join(ROOT, "deploy", "hookrelay.service.d", "node.conf"), "utf8");
const hasSystemd = Bun.which("systemd-analyze") !== null;

/** What `systemd-analyze verify` says of the unit, with its drop-in when given, the binaries replaced by stand-ins (verify insists they exist). */
async function verify(dropIn?: string): Promise<{ code: number; output: string }> {
  const tmp = tempDir();
  try {
    const bin = join(tmp.dir, "hookrelay");
    writeFileSync(bin, "#!/bin/sh\n");
    chmodSync(bin, 0o755);
    const unit = join(tmp.dir, "hookrelay.service");
    writeFileSync(unit, UNIT.replaceAll("/usr/local/bin/hookrelay", bin));
    if (dropIn !== undefined) {
      mkdirSync(`${unit}.d`);
      writeFileSync(join(`${unit}.d`, "node.conf"), dropIn);
    }
    const proc = Bun.spawn(["systemd-analyze", "verify", unit], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, output: (out + err).trim() };
  } finally {
    tmp.remove();
  }
}

/** Directive → every value it is given, in order, comments skipped. */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("[")) continue;
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    map.set(key, [...(map.get(key) ?? []), line.slice(eq + 1)]);
  }
  return map;
}

describe("deploy/hookrelay.service", () => {
  const d = directives(UNIT);

  it("checks the config before starting and before reloading, then reloads with HUP", () => {
    expect(d.get("Type")).toEqual(["exec"]);
    expect(d.get("ExecStartPre")).toEqual(["/usr/local/bin/hookrelay check"]);
    expect(d.get("ExecStart")).toEqual(["/usr/local/bin/hookrelay serve"]);
    expect(d.get("ExecReload")).toEqual(["/usr/local/bin/hookrelay check", "/bin/kill -HUP $MAINPID"]);
  });

  it("runs as a dynamic user with its own state and configuration directories", () => {
    expect(d.get("DynamicUser")).toEqual(["yes"]);
    expect(d.get("StateDirectory")).toEqual(["hookrelay"]);
    expect(d.get("ConfigurationDirectory")).toEqual(["hookrelay"]);
  });

  it("shows how to pass secrets as credentials read through secret_file", () => {
    expect(UNIT).toMatch(/^#LoadCredential=\S+:\S+$/m);
    expect(UNIT).toContain("secret_file: /run/credentials/hookrelay.service/");
  });

  it("is hardened, but never denies W+X memory (Bun's JIT needs it)", () => {
    for (const key of ["NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictAddressFamilies", "CapabilityBoundingSet", "SystemCallFilter"]) {
      expect(d.has(key)).toBe(true);
    }
    expect(d.has("MemoryDenyWriteExecute")).toBe(false);
  });

  it.skipIf(!hasSystemd)("passes systemd-analyze verify", async () => {
    expect(await verify()).toEqual({ code: 0, output: "" });
  });
});

describe("deploy/hookrelay.service.d/node.conf", () => {
  const d = directives(NODE_DROP_IN);

  it("loads the database URL and the encryption key as credentials, where the config it shows reads them", () => {
    expect(d.get("LoadCredential")).toEqual([
      "database-url:/etc/hookrelay/secrets/database-url",
      "encryption-key:/etc/hookrelay/secrets/encryption-key",
    ]);
    expect(NODE_DROP_IN).toContain("url_file: /run/credentials/hookrelay.service/database-url");
    expect(NODE_DROP_IN).toContain("encryption_key_file: /run/credentials/hookrelay.service/encryption-key");
    expect(NODE_DROP_IN).toContain("driver: postgres");
  });

  it("keeps restarting a node that cannot reach the database yet", () => {
    expect(d.get("StartLimitIntervalSec")).toEqual(["0"]);
  });

  it.skipIf(!hasSystemd)("passes systemd-analyze verify on top of the unit", async () => {
    expect(await verify(NODE_DROP_IN)).toEqual({ code: 0, output: "" });
  });
});
