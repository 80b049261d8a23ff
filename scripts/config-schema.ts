/**
 * @module scripts/config-schema
 * Writes config.schema.json from the TypeBox schema the loader uses, so editors
 * and `hookrelay check` agree. Run `bun scripts/config-schema.ts` after changing
 * src/config/schema.ts; a test fails while the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigDocument } from "../src/config/schema";

/** Where the generated schema lives: the repo root, next to config.example.yaml. */
export const SCHEMA_PATH = fileURLToPath(new URL("../config.schema.json", import.meta.url));

/** The JSON Schema document text, exactly as committed. */
export function renderConfigSchema(): string {
  const document = { $schema: "http://json-schema.org/draft-07/schema#", title: "hookrelay configuration", ...ConfigDocument };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (import.meta.main) {
  writeFileSync(SCHEMA_PATH, renderConfigSchema());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
