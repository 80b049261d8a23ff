/**
 * @module config/document
 * YAML text → plain value, with `${VAR}` expanded in every string and the position
 * of every key and value remembered. Syntax problems, duplicate keys and runaway
 * aliases are reported here, each at its own line and column (and key path, where
 * there is one).
 */
import { type Alias, type Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { type Env, expandEnv, hasReference } from "./env";
import { FILE_START, type Position, type Report } from "./errors";
import { Locations, childPath } from "./locations";

/** Aliases one document may dereference; real configs use a handful, an alias bomb needs thousands. */
export const MAX_ALIASES = 100;

/** The document as plain values, plus where each one was written. */
export interface YamlTree {
  readonly value: unknown;
  readonly locations: Locations;
  /** Paths whose `${VAR}` could not be expanded: checks there would only repeat that error. */
  readonly unresolved: ReadonlySet<string>;
}

/** Parses and walks `text`; `tree` is null when the YAML is too broken to check further. */
export function readYaml(text: string, env: Env, report: Report): YamlTree | null {
  const lines = new LineCounter();
  // Duplicate keys are found by the walk, which knows their key path; the parser would name only the line.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: true });
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const at = problem.linePos?.[0] ?? FILE_START;
    report({ line: at.line, col: at.col }, "", yamlMessage(problem.message));
  }
  // A syntax error leaves a tree whose checks would mostly be noise.
  if (doc.errors.length > 0) return null;
  const walker = new Walker(doc, lines, env, report);
  const value = doc.contents === null ? {} : walker.walk(doc.contents, "", FILE_START);
  return { value, locations: walker.locations, unresolved: walker.unresolved };
}

// prettyErrors appends " at line L, column C:" and a excerpt of the source; the position is
// reported separately, and the excerpt could show a secret, so only the sentence is kept.
function yamlMessage(message: string): string {
  const cut = message.search(/ at line \d+, column \d+/);
  const sentence = (cut === -1 ? message : message.slice(0, cut)).split("\n")[0] ?? message;
  return `invalid YAML: ${sentence.trim()}`;
}

class Walker {
  readonly locations = new Locations();
  readonly unresolved = new Set<string>();
  #aliases = 0;
  /** The alias being expanded at the top, where a runaway expansion is reported: the nested ones are not what the user wrote there. */
  #outermost: { readonly at: Position; readonly path: string } | null = null;

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly env: Env,
    private readonly report: Report,
  ) {}

  /** The plain value of `node`; `keyAt` is where its key is, used for empty values. */
  walk(node: unknown, path: string, keyAt: Position, recordAs: Position | null = null): unknown {
    const at = recordAs ?? this.#start(node, keyAt);
    this.locations.record(path, keyAt, at);
    if (isAlias(node)) return this.#alias(node, path, keyAt, at);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const firstLines = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key;
        const keyPos = this.#start(keyNode, at);
        if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
          this.report(keyPos, path, "keys must be plain words, not lists, mappings or empty");
          continue;
        }
        const key = String(keyNode.value);
        const first = firstLines.get(key);
        if (first === undefined) firstLines.set(key, keyPos.line);
        // Keys are compared as the strings they become, so `1:` and `"1":` are one key; the later value wins,
        // as in the parser's own reading. Under an alias the duplicate was already reported where the anchor is.
        else if (this.#outermost === null) this.report(keyPos, childPath(path, key), `duplicate key (first given on line ${first})`);
        // defineProperty so a key named __proto__ stays an ordinary key.
        Object.defineProperty(out, key, {
          value: this.walk(pair.value, childPath(path, key), keyPos),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => this.walk(item, childPath(path, i), this.#start(item, at)));
    if (isScalar(node)) return this.#scalar(node.value, node.type === "PLAIN", path, at);
    return null;
  }

  #alias(node: Alias, path: string, keyAt: Position, at: Position): unknown {
    this.#aliases += 1;
    if (this.#aliases > MAX_ALIASES) {
      // Report only the first alias over the limit: the rest of a bomb would repeat it thousands of times.
      const where = this.#outermost ?? { at, path };
      if (this.#aliases === MAX_ALIASES + 1) this.report(where.at, where.path, `too many YAML aliases (at most ${MAX_ALIASES} are expanded)`);
      return null;
    }
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.report(at, path, `unknown YAML alias *${node.source}`);
      return null;
    }
    const outer = this.#outermost;
    this.#outermost ??= { at, path };
    try {
      return this.walk(target, path, keyAt, at);
    } finally {
      this.#outermost = outer;
    }
  }

  #scalar(value: unknown, plain: boolean, path: string, at: Position): unknown {
    if (typeof value !== "string" || !hasReference(value)) return value;
    const expanded = expandEnv(value, this.env);
    if (!expanded.ok) {
      this.report(at, path, expanded.message);
      this.unresolved.add(path);
      return "";
    }
    // An unquoted `${PORT:-8787}` should mean what `8787` would have meant.
    return plain ? retype(expanded.text) : expanded.text;
  }

  // Where a node starts; an empty value (`key:` with nothing after it) has no text of its own, so its key stands in.
  #start(node: unknown, fallback: Position): Position {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range || (isScalar(node) && node.value === null && range[0] === range[1])) return fallback;
    return this.lines.linePos(range[0]);
  }
}

// The YAML 1.2 core schema's reading of a plain scalar, for text that came out of `${VAR}`.
function retype(text: string): unknown {
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(~|null|Null|NULL)$/.test(text)) return null;
  return text;
}
