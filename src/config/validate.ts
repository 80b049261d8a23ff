/**
 * @module config/validate
 * Runs the TypeBox schema over the whole document and turns every error into a
 * located sentence: where the bad value is, and what was expected there.
 */
import type { TSchema } from "@sinclair/typebox";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import type { Report } from "./errors";
import { type Locations, childPath } from "./locations";
import { ConfigDocument } from "./schema";

/** Reports every schema error in `value`. */
export function validateSchema(value: unknown, locations: Locations, report: Report): void {
  explainAll([...Value.Errors(ConfigDocument, value)], value, locations, report);
}

function explainAll(errors: readonly ValueError[], root: unknown, locations: Locations, report: Report): void {
  const missing = new Set(errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path));
  for (const error of errors) {
    // A missing key also fails its own type check; saying "missing" once is enough.
    if (missing.has(error.path) && error.type !== ValueErrorType.ObjectRequiredProperty) continue;
    explain(error, root, locations, report);
  }
}

function explain(error: ValueError, root: unknown, locations: Locations, report: Report): void {
  const segments = pointerSegments(error.path, root);
  const path = segments.reduce<string>((p, s) => childPath(p, s), "");
  const parent = segments.slice(0, -1).reduce<string>((p, s) => childPath(p, s), "");
  const last = String(segments.at(-1) ?? "");
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return report(locations.key(path), path, unknownKey(last, error.schema));
    case ValueErrorType.ObjectRequiredProperty:
      return report(locations.key(parent), path, `missing required key "${last}"`);
    case ValueErrorType.Union: {
      const branch = pickBranch(error);
      if (branch) explainAll(branch, root, locations, report);
      else report(locations.value(path), path, expectation(error));
      return;
    }
    default:
      return report(locations.value(path), path, expectation(error));
  }
}

// For a list or mapping, the user meant the union member of that shape: its errors are the
// useful ones. Among several such members the one with fewest complaints is the likely intent.
function pickBranch(error: ValueError): ValueError[] | null {
  const kind = kindOf(error.value);
  if (kind !== "object" && kind !== "array") return null;
  const variants = ((error.schema as { anyOf?: TSchema[] }).anyOf ?? []).map((schema, i) => ({
    schema,
    errors: [...(error.errors[i] ?? [])],
  }));
  const candidates = variants.filter((v) => v.schema.type === kind).sort((a, b) => a.errors.length - b.errors.length);
  return candidates[0]?.errors ?? null;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return value === null ? "null" : typeof value;
}

function expectation(error: ValueError): string {
  const schema = error.schema as TSchema & { errorMessage?: string };
  switch (error.type) {
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `expected a number of at least ${schema.minimum}`;
    case ValueErrorType.ArrayMinItems:
      return schema.minItems === 1 ? "expected a non-empty list" : `expected at least ${schema.minItems} items`;
    case ValueErrorType.StringMinLength:
      return "expected a non-empty string";
  }
  if (schema.errorMessage) return schema.errorMessage;
  switch (error.type) {
    case ValueErrorType.Object:
      return "expected a mapping";
    case ValueErrorType.Array:
      return "expected a list";
    case ValueErrorType.String:
      return "expected a string";
    case ValueErrorType.Integer:
      return "expected a whole number";
    case ValueErrorType.Number:
      return "expected a number";
    case ValueErrorType.Boolean:
      return "expected true or false";
    default:
      return `expected ${error.message.replace(/^Expected /, "").toLowerCase()}`;
  }
}

function unknownKey(key: string, schema: TSchema): string {
  const known = Object.keys((schema as { properties?: object }).properties ?? {});
  const near = known.find((k) => editDistance(k, key) <= 2);
  return near ? `unknown key "${key}" (did you mean "${near}"?)` : `unknown key "${key}"`;
}

// Small inputs only (config key names), so the plain O(n·m) table is fine.
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

// JSON pointer → segments; a segment is a list index only where the document has a list.
function pointerSegments(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const segments: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const segment = Array.isArray(node) && /^[0-9]+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}
