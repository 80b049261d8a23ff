/**
 * @module http/body
 * Reads a JSON request body under a size cap, before any parsing, so an
 * oversized or endless body costs at most the cap in memory; then scans it
 * once (http/json-scan.ts), refusing nesting deeper than MAX_JSON_DEPTH
 * before anything recursive (validation, filters) can meet it, and parses it.
 */
import { HttpError } from "./errors";
import { type JsonPath, scanJson } from "./json-scan";

/**
 * Arrays and objects nest at most this deep in a request body, the body's
 * own object counting as one: deep enough for any payload met in practice,
 * shallow enough that every recursive step after parsing is safe.
 */
export const MAX_JSON_DEPTH = 128;

/** JSON, and JSON merge patch (RFC 7396), which PATCH bodies may be sent as. */
const JSON_TYPE = /^application\/(merge-patch\+)?json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** Stateless between calls (never asked to stream), so one instance serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A parsed body, with the texts of the members its reader asked to keep. */
export interface JsonBody {
  readonly value: unknown;
  /** By the index of the path's `*` element; see scanJson. */
  readonly kept: readonly (string | undefined)[];
}

/** A parse hook accepting `application/json` bodies of at most `maxBytes()` bytes. */
export function jsonBody(maxBytes: () => number) {
  return async ({ request }: { request: Request }): Promise<unknown> => (await readJson(request, maxBytes(), null)).value;
}

/** Reads, checks and parses a JSON body, keeping the text of the objects at `keep` as posted. */
export async function readJson(request: Request, limit: number, keep: JsonPath | null): Promise<JsonBody> {
  const type = request.headers.get("content-type");
  if (!type || !JSON_TYPE.test(type.trim())) {
    throw new HttpError(415, "unsupported_media_type", "the body must be JSON, sent with Content-Type: application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  // With a Content-Length the server frames the body to exactly that many
  // bytes, already checked against the cap, so it can be read whole; that
  // is several times cheaper than pulling it through the stream reader,
  // which remains for chunked bodies whose size is only known as they arrive.
  const bytes = Number.isInteger(declared) && request.body ? new Uint8Array(await request.arrayBuffer()) : await readCapped(request, limit);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_body", "the body is not valid UTF-8");
  }
  const scan = scanJson(text, MAX_JSON_DEPTH, keep);
  if (!scan.ok) {
    throw new HttpError(400, "too_deep", `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, the limit`);
  }
  try {
    return { value: JSON.parse(text), kept: scan.kept };
  } catch (err) {
    throw new HttpError(400, "invalid_json", `the body is not valid JSON: ${(err as Error).message}`);
  }
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, "body_too_large", `the body is larger than server.max_body_bytes (${limit} bytes)`);
}
