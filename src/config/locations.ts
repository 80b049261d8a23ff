/**
 * @module config/locations
 * Key paths as users read them (`endpoints[2].signature.header`) and where each
 * value and key sits in the YAML text, so every later check can point at a line.
 */
import { FILE_START, type Position } from "./errors";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The path of `segment` under `parent`: `a.b`, `a[2]`, or `a["data.severity"]` for keys that are not identifiers. */
export function childPath(parent: string, segment: string | number): string {
  if (typeof segment === "number") return `${parent}[${segment}]`;
  if (!IDENTIFIER.test(segment)) return `${parent}[${JSON.stringify(segment)}]`;
  return parent === "" ? segment : `${parent}.${segment}`;
}

interface Spot {
  readonly key: Position;
  readonly value: Position;
}

/** Positions of every key and value of one document, by key path. */
export class Locations {
  readonly #spots = new Map<string, Spot>();

  /** Remembers where the value at `path` and the key that introduced it are. */
  record(path: string, key: Position, value: Position): void {
    this.#spots.set(path, { key, value });
  }

  /** Where the value at `path` starts; the file start when the path never appeared. */
  value(path: string): Position {
    return this.#spots.get(path)?.value ?? FILE_START;
  }

  /** Where the key of `path` starts (the item itself for list items). */
  key(path: string): Position {
    return this.#spots.get(path)?.key ?? FILE_START;
  }
}
