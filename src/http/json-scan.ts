/**
 * @module http/json-scan
 * One pass over a JSON text, before it is parsed: it measures how deeply
 * arrays and objects nest, so a hostile body is refused before anything
 * recursive touches it, and it keeps the text of chosen object members
 * exactly as written, so a producer's values (64-bit integers, long
 * decimals, `1e400`, `-0`, escapes) are never re-serialised.
 *
 * The scan follows JSON's grammar only as far as it needs: it skips strings,
 * counts brackets, and tells keys from values. It does not validate; it runs
 * just before `JSON.parse`, which refuses whatever is not JSON, and on any
 * text that `JSON.parse` accepts the kept texts are exact.
 */

/**
 * Where the members to keep sit: object keys, and `*` for every element of
 * an array. `["data"]` is the root object's `data`; `["events", "*", "data"]`
 * is the `data` of each element of the root's `events`; `[]` is the root
 * itself; `null` keeps nothing (the scan only measures depth).
 */
export type JsonPath = readonly string[];

export type ScanResult =
  /** Kept object texts by the index of the path's `*` element (0 without one). */
  | { readonly ok: true; readonly kept: readonly (string | undefined)[] }
  | { readonly ok: false };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

// Per open container (index = its depth, the root's value at 1): whether it
// is an object, and its element count when it is an array. Shared by every
// scan, which runs to its end without yielding; each entry is written when
// its container opens, so what an earlier scan left is never read.
let isObject = new Uint8Array(0);
let index = new Uint32Array(0);

/**
 * Scans `text`; `ok: false` when it nests deeper than `maxDepth`. Kept
 * members must be objects (others are not kept: the body schemas refuse
 * them anyway) and lose the insignificant whitespace between their tokens;
 * every token, and the order of keys, stays as written. When a key repeats,
 * the last one is kept, as `JSON.parse` keeps the last.
 */
export function scanJson(text: string, maxDepth: number, path: JsonPath | null): ScanResult {
  const steps = path ?? [];
  // Without a path no depth is the target's, so nothing is kept.
  const target = path ? path.length : -1;
  const wildcard = steps.indexOf("*");
  if (isObject.length < maxDepth + 2) {
    isObject = new Uint8Array(maxDepth + 2);
    index = new Uint32Array(maxDepth + 2);
  }
  // onPath[d]: the member being read at depth d lies on `path` (onPath[0]: the root value).
  const onPath = new Uint8Array(target + 2);
  onPath[0] = 1;
  const kept: (string | undefined)[] = [];
  let depth = 0;
  let expectKey = false;
  // The kept member being read: the depth of its object, where its text starts, what is done of it.
  let keepDepth = -1;
  let keepFrom = 0;
  let keptSoFar = "";
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (expectKey) {
        expectKey = false;
        if (depth <= target) onPath[depth] = onPath[depth - 1] && steps[depth - 1] !== "*" && keyIs(text, i, end, steps[depth - 1]!) ? 1 : 0;
      }
      i = end;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === target && onPath[depth] && c === OPEN_OBJECT && keepDepth < 0) {
        keepDepth = depth + 1;
        keepFrom = i;
        keptSoFar = "";
      }
      if (++depth > maxDepth) return { ok: false };
      const object = c === OPEN_OBJECT;
      isObject[depth] = object ? 1 : 0;
      index[depth] = 0;
      expectKey = object;
      // An array's elements are on the path under a `*`; an object's members wait for their key.
      if (depth <= target) onPath[depth] = !object && onPath[depth - 1] && steps[depth - 1] === "*" ? 1 : 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 0) break;
      if (depth === keepDepth) {
        kept[wildcard < 0 ? 0 : index[wildcard + 1]!] = keptSoFar + text.slice(keepFrom, i + 1);
        keepDepth = -1;
      }
      depth--;
      expectKey = false;
    } else if (c === COMMA) {
      if (isObject[depth]) expectKey = true;
      else index[depth]!++;
    } else if (keepDepth >= 0 && isWhitespace(c)) {
      keptSoFar += text.slice(keepFrom, i);
      while (i + 1 < n && isWhitespace(text.charCodeAt(i + 1))) i++;
      keepFrom = i + 1;
    }
    i++;
  }
  return { ok: true, kept };
}

/** The index just past the string opening at `start`, or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let b = quote - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    // An even run of backslashes escapes itself, not the quote.
    if ((quote - 1 - b) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Whether the key string text[start, end) means `name`; escapes (`"d\u0061ta"`) are decoded. */
function keyIs(text: string, start: number, end: number, name: string): boolean {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes("\\")) return raw === name;
  try {
    return JSON.parse(text.slice(start, end)) === name;
  } catch {
    return false;
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
