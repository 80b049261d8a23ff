/**
 * @module test/client-generator/generate
 * TypeScript types for every path and operation of an OpenAPI document, as a
 * client generator writes them (openapi-typescript), so a test can compile
 * code against hookrelay's served document.
 */
import openapiTS, { astToString } from "openapi-typescript";

/** The `.d.ts` text openapi-typescript writes for `document`. */
export async function generateTypes(document: Record<string, unknown>): Promise<string> {
  return astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
}
