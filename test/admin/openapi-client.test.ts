/**
 * @module test/admin/openapi-client
 * The served /openapi.json is a valid OpenAPI document (checked by
 * @readme/openapi-parser) and usable: openapi-typescript generates types from
 * it, and code written against a few operations' types compiles with tsc.
 */
import { describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { generateTypes } from "../client-generator/generate";
import { ROOT, tempDir } from "../helpers/relay";
import { endpoint, withRelay } from "./fixture";

/** Code a client author would write: bodies, answers and query parameters by operationId. */
const CLIENT_CODE = `
import type { operations, paths } from "./hookrelay-api";

type CreateBody = operations["createEndpoint"]["requestBody"]["content"]["application/json"];
type Created = operations["createEndpoint"]["responses"][201]["content"]["application/json"];
type DeliveryQuery = NonNullable<operations["listDeliveries"]["parameters"]["query"]>;
type DeliveryPage = operations["listDeliveries"]["responses"][200]["content"]["application/json"];
type SessionBody = operations["createPortalSession"]["requestBody"]["content"]["application/json"];
type Session = paths["/v1/portal/sessions"]["post"]["responses"][201]["content"]["application/json"];

export const body: CreateBody = { url: "https://hooks.example.com/in", events: ["order.*"], tenant: "acme", metadata: { plan: "pro" } };
export const query: DeliveryQuery = { status: "failed", endpoint: "acme-orders", limit: "50" };
export const session: SessionBody = { tenant: "acme", ttl: "1h", read_only: true };

export function secretOf(created: Created): string {
  const source: "config" | "api" = created.source;
  return source === "api" ? created.secret : "";
}
export function firstStatus(page: DeliveryPage): string | undefined {
  return page.items[0]?.status;
}
export function link(s: Session): string {
  return s.url;
}

// The types are precise, not \`any\`: each line below must be refused.
// @ts-expect-error a status outside the listed ones
export const badStatus: DeliveryQuery = { status: "lost" };
// @ts-expect-error url is required
export const noUrl: CreateBody = { events: ["*"] };
// @ts-expect-error read_only is a boolean
export const badSession: SessionBody = { tenant: "acme", read_only: "yes" };
`;

const TSCONFIG = {
  compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", lib: ["ES2022"], skipLibCheck: false },
  files: ["hookrelay-api.d.ts", "client.ts"],
};

async function servedDocument(): Promise<Record<string, unknown>> {
  let doc: Record<string, unknown> = {};
  await withRelay(
    (rcv) => endpoint("ep", rcv().url, `["*"]`),
    async (relay) => {
      const res = await fetch(`${relay.url}/openapi.json`);
      expect(res.status).toBe(200);
      doc = (await res.json()) as Record<string, unknown>;
    },
  );
  return doc;
}

describe("openapi document", () => {
  it("is a valid OpenAPI document, with a unique identifier for every operationId", async () => {
    const doc = await servedDocument();
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.specification).toBe("OpenAPI");
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("generates a typed client that compiles with tsc against code using its operations", async () => {
    const types = await generateTypes(await servedDocument());
    for (const op of ["createEndpoint", "listDeliveries", "createPortalSession"]) expect(types).toContain(`${op}: {`);
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, "hookrelay-api.d.ts"), types);
      writeFileSync(join(tmp.dir, "client.ts"), CLIENT_CODE);
      writeFileSync(join(tmp.dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
      const tsc = Bun.spawnSync([join(ROOT, "node_modules", ".bin", "tsc"), "--noEmit", "-p", join(tmp.dir, "tsconfig.json")], { cwd: tmp.dir });
      const output = `${tsc.stdout.toString()}${tsc.stderr.toString()}`;
      expect({ exit: tsc.exitCode, output }).toEqual({ exit: 0, output: "" });
    } finally {
      tmp.remove();
    }
  });
});
