import { describe, expect, it } from "bun:test";
import fc from "fast-check";
import { scanJson } from "../../src/http/json-scan";

const DATA = ["data"];
const BATCH = ["events", "*", "data"];

const keptData = (text: string, path = DATA) => {
  const result = scanJson(text, 128, path);
  if (!result.ok) throw new Error("unexpectedly too deep");
  return result.kept;
};

/** `value` as JSON text with `pick()`'s whitespace between every two tokens. */
function spaced(value: unknown, pick: () => string): string {
  if (Array.isArray(value)) return `[${pick()}${value.map((v) => `${spaced(v, pick)}${pick()}`).join(`,${pick()}`)}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${pick()}:${pick()}${spaced(v, pick)}${pick()}`);
    return `{${pick()}${members.join(`,${pick()}`)}}`;
  }
  return JSON.stringify(value);
}

describe("scanJson", () => {
  it("keeps every token of data exactly as written", () => {
    const data =
      '{"id":9007199254740993,"snowflake":1234567890123456789012,"price":0.1000000000000000055511151231257827,' +
      '"exp":1e400,"small":1E-7,"neg0":-0,"e":"\\u00e9","smile":"\\ud83d\\ude00","slash":"\\/","z":1,"a":[-0.0,1.50]}';
    expect(keptData(`{"type":"a","data":${data},"id":"x"}`)).toEqual([data]);
  });

  it("drops whitespace between tokens and keeps it inside strings", () => {
    const posted = '{ "a" :\t[ 1 ,\r\n 2 ] , "b c" : " x\\" y " }';
    expect(keptData(`{\n  "data": ${posted}\n}`)).toEqual(['{"a":[1,2],"b c":" x\\" y "}']);
  });

  it("finds the member however its key is escaped, and keeps the last of a repeated key as JSON.parse does", () => {
    expect(keptData('{"d\\u0061ta":{"n":1}}')).toEqual(['{"n":1}']);
    expect(keptData('{"data":{"n":1},"data":{"n":2}}')).toEqual(['{"n":2}']);
    expect(keptData('{"meta":{"data":{"n":1}},"x":"\\"data\\":{}","data":{"n":3}}')).toEqual(['{"n":3}']);
  });

  it("keeps only objects", () => {
    expect(keptData('{"data":[1]}')).toEqual([]);
    expect(keptData('{"data":"{}"}')).toEqual([]);
  });

  it("keeps each batch event's data by its index, and nothing from other members", () => {
    const text = '{"other":[{"data":{"wrong":1}}],"events":[{"data":{"i":0}},{"type":"t","data":{"i":1},"x":{"data":{}}},{"data":{"i":2}}],"tail":[{"data":{"wrong":2}}]}';
    expect(keptData(text, BATCH)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
  });

  it("keeps the root object for an empty path", () => {
    expect(keptData(' { "a" : 1 } ', [])).toEqual(['{"a":1}']);
  });

  it("refuses nesting past the limit, counting no bracket inside a string", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(scanJson(nested(128), 128, DATA).ok).toBe(true);
    expect(scanJson(nested(129), 128, DATA).ok).toBe(false);
    expect(scanJson(`{"data":{"a":${nested(126)}}}`, 128, DATA).ok).toBe(true);
    expect(scanJson(`{"data":{"a":${nested(127)}}}`, 128, DATA).ok).toBe(false);
    expect(scanJson(`["${"[".repeat(1000)}\\\\", "\\"${"{".repeat(1000)}"]`, 128, DATA).ok).toBe(true);
    expect(scanJson("[".repeat(300_000), 128, DATA).ok).toBe(false);
  });

  it("keeps any JSON object's data as its compact text, however the body is spaced", () => {
    const whitespace = fc.array(fc.constantFrom("", " ", "\n", "\t", "\r\n", "  "), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), whitespace, (data, spaces) => {
        let n = 0;
        const pick = () => spaces[n++ % spaces.length]!;
        const body = spaced({ type: "t", data, events: [{ data: { inner: data } }, { data }] }, pick);
        expect(keptData(body)).toEqual([JSON.stringify(data)]);
        expect(keptData(body, BATCH)).toEqual([JSON.stringify({ inner: data }), JSON.stringify(data)]);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});
