/**
 * @module cli/log-settings
 * Which level and format the daemon logs with: a flag beats the config, the
 * config beats the default, and the default format follows where stdout goes —
 * readable text for a person at a terminal, JSON lines for a log collector.
 */
import type { Config, LogFormat, LogLevel } from "../config/types";

export interface LogFlags {
  readonly level: LogLevel | undefined;
  readonly format: LogFormat | undefined;
}

/** The settings for `config`, given the command-line flags and whether stdout is a terminal. */
export function logSettings(config: Config, flags: LogFlags, isTTY: boolean): { level: LogLevel; format: LogFormat } {
  return {
    level: flags.level ?? config.log.level,
    format: flags.format ?? config.log.format ?? (isTTY ? "text" : "json"),
  };
}
