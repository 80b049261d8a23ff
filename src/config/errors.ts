/** @module config/errors — one config problem, located in the file: `FILE:LINE:COL: key.path: message`. */

/** A 1-based line and column in the config file. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** The start of the file: where problems without a better place are reported. */
export const FILE_START: Position = { line: 1, col: 1 };

/** One located config problem; `check` prints one per line. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    /** Key path like `endpoints[2].signature.header`; empty for problems of the YAML text itself. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }

  /** The one-line form `check` prints. */
  override toString(): string {
    const where = `${this.file}:${this.line}:${this.col}`;
    return this.path === "" ? `${where}: ${this.message}` : `${where}: ${this.path}: ${this.message}`;
  }

  /** The fields as plain JSON, for `check --json`. */
  toJSON(): { file: string; line: number; col: number; path: string; message: string } {
    return { file: this.file, line: this.line, col: this.col, path: this.path, message: this.message };
  }
}

/** Errors in file order, each reported once. */
export function sortErrors(errors: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = e.toString();
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return unique.sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
}

/** How each stage of the pipeline hands over a problem; load.ts adds the file name. */
export type Report = (at: Position, path: string, message: string) => void;
