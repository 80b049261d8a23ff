/**
 * @module test/reliability/ingest-fuzz
 * Property-based fuzzing of the ingest routes with fast-check: random and
 * mutated JSON, odd unicode (lone surrogates, U+0000, U+2028, a BOM), huge
 * numbers, deep and wide values, invalid UTF-8. Every answer must be a 2xx,
 * or a 4xx in the `{error: {code, message}}` shape; the daemon must stay
 * ready; and nothing may be half-stored: a 4xx leaves no event behind, a
 * 202 leaves its events with all their deliveries and `data` as posted.
 *
 * Seeded, so a run is reproducible; on a failure fast-check prints the seed
 * and the path of the shrunk counterexample. `FUZZ_SEED=<n>` replays a seed.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import fc from "fast-check";
import { configYaml, INGEST_TOKEN, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** Sized to take a few seconds: the point is breadth per run, repeated on every `npm test`. */
const RUNS = 500;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

let relay: InProcessRelay;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir();
  // Two endpoints, one with a filter on data (filters walk the parsed payload);
  // first attempts an hour away, so every delivery stays a pending row to count.
  const endpoint = (id: string, extra: string) =>
    `  - id: ${id}\n    url: http://127.0.0.1:9/${id}\n    events: ["*"]\n    secret: ${SECRET}\n    retry: [1h, 1h]\n    jitter: 0%\n${extra}`;
  const yaml = configYaml(tmp.dir, endpoint("all", "") + endpoint("filtered", "    filter: { data.severity: [HIGH, CRITICAL], data.env.name: prod }\n"));
  relay = await startRelay(yaml, { dir: tmp.dir });
});

afterAll(async () => {
  await relay.stop();
  tmp.remove();
});

// ---- what is posted ----------------------------------------------------------

/** Code units of every kind, lone surrogates, U+0000, U+2028 and the BOM included. */
const oddChar = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\u0000", "\u2028", "\u2029", "\ufeff", "\ud800", "\udfff", "\ud83d\ude00", "é", '"', "\\", "/"),
);
const oddString = fc.string({ unit: oddChar, maxLength: 12 });

/** Number tokens JavaScript cannot hold, or holds only approximately. */
const hugeNumber = fc.oneof(
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.constantFrom("9007199254740993", "-0", "-0.0", "1e400", "-1E-400", "1E-7", "0.1000000000000000055511151231257827", "1e999999999"),
  fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 9 })).map(([n, d]) => `${d + 1}${"0".repeat(n)}`),
);

/** Nested arrays and objects around the limit (128) and far past it. */
const deepText = fc.tuple(fc.integer({ min: 100, max: 160 }), fc.boolean(), fc.constantFrom(1, 1, 1, 2_000, 200_000)).map(([levels, objects, factor]) => {
  const n = factor === 1 ? levels : factor;
  return objects ? `${'{"a":'.repeat(n)}1${"}".repeat(n)}` : `${"[".repeat(n)}${"]".repeat(n)}`;
});

/** A JSON value's text with number tokens and nesting JSON.stringify never writes. */
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: hugeNumber },
    { weight: 3, arbitrary: oddString.map((s) => JSON.stringify(s)) },
    deepText,
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc.array(fc.tuple(oddString, tie("value")), { maxLength: 4 }).map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value;

/** An object's text: mostly well-formed, sometimes wide. */
const objectText = fc.oneof(
  fc.array(fc.tuple(fc.oneof(oddString, fc.constantFrom("severity", "env", "name")), valueText), { maxLength: 6 }).map(
    (members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`,
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}`),
  fc.constantFrom('{"severity":"HIGH","env":{"name":"prod"}}', '{"severity":["HIGH"],"env":"prod"}'),
);

/** Mostly `usual`, now and then `odd`: most requests should get far enough to be stored. */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: odd });
const absent = fc.constant(undefined);

/** One event's JSON text and the text of its `data`; `id` is planted so its fate can be looked up afterwards. */
const eventText = (id: string) =>
  fc
    .record({
      type: mostly(fc.constantFrom("order.paid", "alert.raised", "a"), fc.oneof(fc.constantFrom("hookrelay.x", ""), oddString)),
      data: mostly(objectText, valueText),
      ordering_key: fc.oneof(absent, mostly(fc.constantFrom("k1", "k2"), oddString)),
      occurred_at: fc.oneof(absent, mostly(fc.constantFrom("2026-03-08T12:34:56.789Z", "2026-03-08T12:34:56+02:00"), fc.oneof(fc.constant("yesterday"), oddString))),
      endpoints: fc.oneof(absent, mostly(fc.subarray(["all", "filtered"]), fc.constant<string[]>(["all", "nope"]))),
      extra: mostly(absent, valueText),
    })
    .map((e) => {
      const members = [`"id":${JSON.stringify(id)}`, `"type":${JSON.stringify(e.type)}`, `"data":${e.data}`];
      if (e.ordering_key !== undefined) members.push(`"ordering_key":${JSON.stringify(e.ordering_key)}`);
      if (e.occurred_at !== undefined) members.push(`"occurred_at":${JSON.stringify(e.occurred_at)}`);
      if (e.endpoints !== undefined) members.push(`"endpoints":${JSON.stringify(e.endpoints)}`);
      if (e.extra !== undefined) members.push(`"extra":${e.extra}`);
      return { text: `{${members.join(",")}}`, data: e.data };
    });

type Mutation = { kind: "cut"; at: number; length: number } | { kind: "insert"; at: number; text: string } | { kind: "truncate"; at: number };

/** Edits that break JSON in the ways a careless or hostile client does. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), length: fc.nat({ max: 8 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(oddString, fc.constantFrom("{", "}", "[", "]", '"', ",", ":", "\\", "\\u", "\\ud800", "-", "e", "1e", "NaN")),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function mutate(text: string, edits: readonly Mutation[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    if (e.kind === "cut") out = out.slice(0, at) + out.slice(at + e.length);
    else if (e.kind === "insert") out = out.slice(0, at) + e.text + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

/** Bytes that are not UTF-8 (or only nearly): stray continuation bytes, overlong forms, encoded surrogates, truncation, a BOM. */
const badUtf8 = fc.constantFrom(
  [0xff],
  [0x80],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xef, 0xbb, 0xbf],
);

interface Posted {
  readonly batch: boolean;
  /** The ids planted in the body, and the Idempotency-Key of a single event. */
  readonly ids: readonly string[];
  readonly key: string | null;
  readonly body: Uint8Array;
  /** The `data` text of each planted event when the body went out intact, else null. */
  readonly data: readonly string[] | null;
  readonly contentType: string;
  readonly chunked: boolean;
}

let serial = 0;

/** A request: one event or a batch, intact or mutated, maybe with bad bytes spliced in. */
const posted: fc.Arbitrary<Posted> = fc
  .record({
    batch: fc.boolean(),
    size: fc.integer({ min: 1, max: 4 }),
    mutations: mostly(fc.constant<Mutation[]>([]), fc.array(mutation, { minLength: 1, maxLength: 3 })),
    bytes: mostly(fc.constant(null), fc.tuple(badUtf8, fc.nat())),
    contentType: mostly(fc.constant("application/json"), fc.constantFrom("application/json; charset=utf-8", "text/plain", "")),
    chunked: fc.boolean(),
    // A batch repeating an id (409 unless both bodies are the same), an Idempotency-Key unlike the body's id (400).
    clash: mostly(fc.constant(false), fc.constant(true)),
  })
  .chain((r) => {
    const run = ++serial;
    const ids = Array.from({ length: r.batch ? r.size : 1 }, (_, i) => `fz${run}_${i}`);
    if (r.batch && r.clash) ids.push(ids[0]!);
    const key = r.batch ? null : r.clash ? `fz${run}_key` : ids[0]!;
    return fc.tuple(...ids.map((id) => eventText(id))).map((events): Posted => {
      const text = r.batch ? `{"events":[${events.map((e) => e.text).join(",")}]}` : events[0]!.text;
      const mutated = mutate(text, r.mutations);
      let body = new TextEncoder().encode(mutated);
      if (r.bytes) {
        const [bad, at] = r.bytes;
        const i = at % (body.length + 1);
        body = new Uint8Array([...body.subarray(0, i), ...bad, ...body.subarray(i)]);
      }
      const intact = mutated === text && !r.bytes;
      return { batch: r.batch, ids, key, body, data: intact ? events.map((e) => e.data) : null, contentType: r.contentType, chunked: r.chunked };
    });
  });

// ---- what must hold ------------------------------------------------------------

async function send(p: Posted): Promise<Response> {
  const body = p.chunked
    ? new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(p.body);
          c.close();
        },
      })
    : p.body;
  return fetch(`${relay.url}${p.batch ? "/v1/events/batch" : "/v1/events"}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${INGEST_TOKEN}`,
      ...(p.contentType ? { "content-type": p.contentType } : {}),
      ...(p.key === null ? {} : { "idempotency-key": p.key }),
    },
    body,
  });
}

const storedEvent = (id: string) => relay.db.query<{ data: string }, [string]>("SELECT data FROM events WHERE id = ?").get(id);
const storedDeliveries = (ids: readonly string[]) =>
  relay.db.query<{ n: number }, string[]>(`SELECT COUNT(*) AS n FROM deliveries WHERE event_id IN (${ids.map(() => "?").join(",")})`).get(...ids)!.n;

async function check(p: Posted): Promise<void> {
  const res = await send(p);
  const text = await res.text();
  const what = `${p.batch ? "batch" : "event"} ${p.ids.join(",")} answered ${res.status} ${text.slice(0, 300)}`;
  expect({ what, class: Math.floor(res.status / 100) }).toEqual({ what, class: res.status < 300 ? 2 : 4 });
  const answer = JSON.parse(text) as Record<string, any>;
  if (res.status >= 400) {
    expect({ what, code: typeof answer.error?.code, message: typeof answer.error?.message }).toEqual({ what, code: "string", message: "string" });
    for (const id of [...p.ids, ...(p.key === null ? [] : [p.key])]) expect({ what, id, stored: storedEvent(id) }).toEqual({ what, id, stored: null });
    return;
  }
  const ids: string[] = p.batch ? answer.ids : [answer.id];
  // Every id is new to the database, so all the deliveries of the request's events are the ones it answered.
  expect({ what, deliveries: storedDeliveries([...new Set(ids)]) }).toEqual({ what, deliveries: answer.deliveries });
  ids.forEach((id, i) => {
    const row = storedEvent(id);
    expect({ what, id, stored: row !== null }).toEqual({ what, id, stored: true });
    // Intact bodies carry compact data, so what is stored must be that very text.
    if (p.data && !(answer.duplicates ?? []).includes(id)) expect({ what, id, data: row!.data }).toEqual({ what, id, data: p.data[i]! });
  });
}

describe("ingest fuzz", () => {
  it("answers every body with a 2xx or a 4xx error, stays ready, and never half-stores an event", async () => {
    await fc.assert(
      fc.asyncProperty(posted, async (p) => {
        await check(p);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    expect(relay.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 60_000);
});
