/**
 * @module config/endpoint-document
 * Checks an endpoint sent to the endpoint API with the very schema and checks
 * the config file's endpoints go through: the document is checked as the one
 * endpoint of a config whose `defaults:` and `delivery.concurrency` are the
 * running config's, and each problem is handed back under the JSON pointer of
 * its field instead of a line and column. Two things only the file may do are
 * refused first: `secret_file` and `${VAR}` references.
 */
import { hasReference } from "./env";
import type { Report } from "./errors";
import { Locations } from "./locations";
import type { RawEndpoint, RawPolicy } from "./schema";
import { checkSemantics } from "./semantic";
import { validateSchema } from "./validate";

/** One bad field: a JSON pointer into the document and what was expected there. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export type DocumentCheck = { readonly ok: true; readonly endpoint: RawEndpoint } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** What the document is checked against: the running config's inherited settings. */
export interface DocumentContext {
  readonly defaults: RawPolicy;
  readonly concurrency: number;
}

const PREFIX = "endpoints[0]";

/** Checks `doc` (an object that already has its `id` and secret) as one endpoint of the config. */
export function checkEndpointDocument(doc: Readonly<Record<string, unknown>>, context: DocumentContext): DocumentCheck {
  const problems: FieldProblem[] = [];
  const { secret_file: secretFile, ...rest } = doc;
  if (secretFile !== undefined) problems.push({ field: "/secret_file", message: "secret_file is for the config file; send secret or secrets" });
  for (const field of references(rest, "")) problems.push({ field, message: "${VAR} references are for the config file; send the value itself" });

  const seen = new Set(problems.map((p) => `${p.field}\n${p.message}`));
  const report: Report = (_at, path, message) => {
    // The synthetic defaults and delivery blocks come from a config that already loaded.
    if (path !== PREFIX && !path.startsWith(`${PREFIX}.`) && !path.startsWith(`${PREFIX}[`)) return;
    const field = pointerOf(path.slice(PREFIX.length));
    const key = `${field}\n${message}`;
    if (!seen.has(key)) problems.push({ field, message }), seen.add(key);
  };
  const config = { delivery: { concurrency: context.concurrency }, defaults: context.defaults, endpoints: [rest] };
  const nowhere = new Locations();
  validateSchema(config, nowhere, report);
  checkSemantics(config, { secretFiles: new Map(), encryptionKeyFile: undefined, storageUrlFile: undefined }, nowhere, report);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, endpoint: rest as RawEndpoint };
}

/** JSON pointers of every string in `value` that holds a `${…}` reference. */
function* references(value: unknown, pointer: string): Generator<string> {
  if (typeof value === "string") {
    if (hasReference(value)) yield pointer === "" ? "/" : pointer;
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* references(value[i], `${pointer}/${i}`);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) yield* references(v, `${pointer}/${escapePointer(k)}`);
  }
}

const SEGMENT = /^(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[([0-9]+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** `.signature.header`, `.events[2]` or `.filter["data.severity"]` → `/signature/header`, `/events/2`, `/filter/data.severity`. */
export function pointerOf(keyPath: string): string {
  let rest = keyPath;
  let out = "";
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) break;
    const segment = m[1] ?? m[2] ?? (JSON.parse(m[3]!) as string);
    out += `/${escapePointer(segment)}`;
    rest = rest.slice(m[0].length);
  }
  return out === "" ? "/" : out;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
