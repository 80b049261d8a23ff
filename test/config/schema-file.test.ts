/** @module test/config/schema-file — the committed config.schema.json matches the schema the loader uses. */
import { expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { SCHEMA_PATH, renderConfigSchema } from "../../scripts/config-schema";

it("config.schema.json is up to date (regenerate with `bun scripts/config-schema.ts`)", () => {
  expect(readFileSync(SCHEMA_PATH, "utf8")).toBe(renderConfigSchema());
});
