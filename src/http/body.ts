/**
 * @module http/body
 * Reads a JSON request body under a size cap, before any parsing, so an
 * oversized or endless body costs at most the cap in memory. Used as the
 * routes' `parse` hook; what it returns is what the body schema validates.
 */
import { HttpError } from "./errors";

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/** Stateless between calls (never asked to stream), so one instance serves every request. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A parse hook accepting `application/json` bodies of at most `maxBytes()` bytes. */
export function jsonBody(maxBytes: () => number) {
  return async ({ request }: { request: Request }): Promise<unknown> => {
    const type = request.headers.get("content-type");
    if (!type || !JSON_TYPE.test(type.trim())) {
      throw new HttpError(415, "unsupported_media_type", "the body must be JSON, sent with Content-Type: application/json");
    }
    const limit = maxBytes();
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
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, "invalid_json", `the body is not valid JSON: ${(err as Error).message}`);
    }
  };
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
