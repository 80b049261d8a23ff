/**
 * @module test/admin/response-excerpt
 * The response excerpt of an attempt is at most 4 KiB of UTF-8 as stored and as
 * `GET /v1/deliveries/:id` answers it, cut between characters, whatever the
 * receiver answers (binary bytes, multi-byte text) and however it frames it.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest } from "./fixture";

const EXCERPT_BYTES = 4096;

interface Framing {
  /** With Content-Length (Bun frames a byte array so), or chunked without one. */
  readonly as: "declared" | "streamed";
  /** Where a streamed body is split into its two chunks. */
  readonly splitAt?: number;
  /** Sent as `Content-Encoding: gzip`, which hookrelay never decompresses. */
  readonly gzip?: boolean;
}

/** A receiver's answer of `bytes`, framed as told. */
function framed(bytes: Uint8Array, { as, splitAt = Math.floor(bytes.byteLength / 2), gzip = false }: Framing): () => Response {
  const headers = gzip ? { "content-encoding": "gzip" } : undefined;
  if (as === "declared") return () => new Response(bytes, { headers });
  return () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes.subarray(0, splitAt));
          controller.enqueue(bytes.subarray(splitAt));
          controller.close();
        },
      }),
      { headers },
    );
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const decoded = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

// Random data does not compress: a gzip of it is as binary as an answer gets.
const gzipShort = gzipSync(randomBytes(3_900));
const gzipLong = gzipSync(randomBytes(20_000));
const straddle3 = utf8(`${"a".repeat(4_094)}€${"b".repeat(100)}`);
const straddle4 = utf8(`${"a".repeat(4_093)}😀${"b".repeat(100)}`);
const exactFit = utf8("é".repeat(2_048));
const accents = utf8("é".repeat(3_000));
const shiftedAccents = utf8(`x${"é".repeat(3_000)}`);

// [endpoint id, the receiver's answer, the body it sends, the excerpt expected (binary: the longest prefix that fits)]
const CASES: [string, () => Response, Uint8Array, string | null][] = [
  ["gzip-declared-short", framed(gzipShort, { as: "declared", gzip: true }), gzipShort, null],
  ["gzip-declared-long", framed(gzipLong, { as: "declared", gzip: true }), gzipLong, null],
  ["gzip-streamed", framed(gzipLong, { as: "streamed", gzip: true }), gzipLong, null],
  ["euro-across-the-cut-declared", framed(straddle3, { as: "declared" }), straddle3, "a".repeat(4_094)],
  ["emoji-across-the-cut-streamed", framed(straddle4, { as: "streamed", splitAt: 4_095 }), straddle4, "a".repeat(4_093)],
  ["accents-filling-it-declared", framed(exactFit, { as: "declared" }), exactFit, "é".repeat(2_048)],
  ["accents-ending-at-the-cut-declared", framed(accents, { as: "declared" }), accents, "é".repeat(2_048)],
  ["accents-across-the-cut-streamed", framed(shiftedAccents, { as: "streamed", splitAt: 4_096 }), shiftedAccents, `x${"é".repeat(2_047)}`],
];

const tmp = tempDir();
const receivers: Receiver[] = [];
let relay: InProcessRelay;
const deliveryIds = new Map<string, string>();

beforeAll(async () => {
  const endpoints = CASES.map(([id, reply]) => {
    const receiver = startReceiver(reply);
    receivers.push(receiver);
    return endpoint(id, receiver.url, `["*"]`, ["retry: [0s]", `filter: { data.to: ${id} }`]);
  });
  relay = await startRelay(configYaml(tmp.dir, endpoints.join("\n")), { dir: tmp.dir });
  for (const [id] of CASES) {
    const event = await adminJson(relay, "GET", `/v1/events/${await ingest(relay, "excerpt.test", { to: id })}`);
    deliveryIds.set(id, event.deliveries[0].id);
  }
});

afterAll(async () => {
  await relay.stop();
  for (const receiver of receivers) receiver.close();
  tmp.remove();
});

/** The excerpt of the delivery's one attempt, as the admin API answers it once the delivery is done. */
async function excerptOf(id: string): Promise<string> {
  const delivery = await waitFor(`${id} delivered`, async () => {
    const d = await adminJson(relay, "GET", `/v1/deliveries/${deliveryIds.get(id)}`);
    return d.status === "delivered" && d;
  });
  return delivery.attempt_log[0].response_excerpt;
}

describe("response excerpt", () => {
  it("has a short gzip answer within 4 KiB, so it is read whole", () => expect(gzipShort.byteLength).toBeLessThanOrEqual(EXCERPT_BYTES));

  for (const [id, , body, expected] of CASES) {
    it(`${id}: is at most 4 KiB of UTF-8, cut between characters`, async () => {
      const excerpt = await excerptOf(id);
      expect(Buffer.byteLength(excerpt, "utf8")).toBeLessThanOrEqual(EXCERPT_BYTES);
      if (expected !== null) return expect(excerpt).toBe(expected);
      // As much as fits: the next character, at most 4 bytes, would not have.
      expect(Buffer.byteLength(excerpt, "utf8")).toBeGreaterThan(EXCERPT_BYTES - 4);
      expect(decoded(body).startsWith(excerpt)).toBe(true);
    });
  }
});
