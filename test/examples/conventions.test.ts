/**
 * @module test/examples/conventions
 * What every config in examples/ must hold to be safe to copy: one per seed
 * document, secrets only from `${VAR}` with no fallback, https URLs, and the
 * comment block that maps the vendor's promises to settings.
 */
import { describe, expect, it } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { ROOT } from "../helpers/relay";

const DIR = join(ROOT, "examples");
const NAMES = ["compliancelayer", "complywise", "policycortex", "compliancely", "smartcomply"];

describe("examples/", () => {
  it("holds one config per seed document", () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort()).toEqual(NAMES.map((n) => `${n}.yaml`).sort());
  });

  it.each(NAMES)("%s.yaml takes secrets from the environment with no fallback, and sends only to https URLs", (name) => {
    const text = readFileSync(join(DIR, `${name}.yaml`), "utf8");
    const doc = parseDocument(text).toJS() as { endpoints: Record<string, unknown>[]; auth: Record<string, string[]> };
    for (const endpoint of doc.endpoints) {
      const secrets = [endpoint.secret, ...((endpoint.secrets as string[] | undefined) ?? [])].filter((s) => s !== undefined);
      for (const secret of secrets) expect(secret).toMatch(/^\$\{[A-Z][A-Z0-9_]*\}$/);
      expect(String(endpoint.url)).toStartWith("https://");
    }
    for (const token of [...doc.auth.ingest_tokens!, ...doc.auth.admin_tokens!]) expect(token).toMatch(/^\$\{[A-Z][A-Z0-9_]*\}$/);
  });

  it.each(NAMES)("%s.yaml opens with what the doc promises and where it was read one way or another", (name) => {
    const header = readFileSync(join(DIR, `${name}.yaml`), "utf8").split("\n").filter((line) => line.startsWith("#")).join("\n");
    expect(header).toContain("What the doc promises, and how this config keeps each promise:");
    expect(header).toMatch(/Where the doc is (ambiguous|silent)/);
  });
});
