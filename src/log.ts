/**
 * @module log
 * Structured logger: one JSON object per line (or a readable line for
 * terminals). Fields are plain data; a `Secret` renders itself as "[secret]"
 * through JSON.stringify, so passing one by mistake cannot leak it.
 */
import type { LogFormat, LogLevel } from "./config/types";

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Changes level and format in place (a config reload); a null format keeps the current one. */
  configure(level: LogLevel, format: LogFormat | null): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing lines through `write` (stdout in the daemon, a buffer in tests). */
export function createLogger(level: LogLevel, format: LogFormat, write: (line: string) => void): Logger {
  let min = RANK[level];
  let fmt = format;
  const emit = (lvl: LogLevel, msg: string, fields?: Fields) => {
    if (RANK[lvl] < min) return;
    const time = new Date().toISOString();
    write(fmt === "json" ? `${JSON.stringify({ time, level: lvl, msg, ...fields })}\n` : textLine(time, lvl, msg, fields));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    configure(newLevel, newFormat) {
      min = RANK[newLevel];
      fmt = newFormat ?? fmt;
    },
  };
}

function textLine(time: string, level: LogLevel, msg: string, fields?: Fields): string {
  const rest = fields
    ? Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ")
    : "";
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? ` ${rest}` : ""}\n`;
}
