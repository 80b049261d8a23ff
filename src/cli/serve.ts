/**
 * @module cli/serve
 * `hookrelay serve [--config PATH] [--log-level L] [--log-format F]`: runs the
 * daemon until SIGTERM/SIGINT (drain, exit 0); SIGHUP or a change of the config
 * file on disk reloads it. With no config file anywhere it runs the example
 * config built into the binary.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { EMBEDDED_SOURCE, loadConfigFile, type LoadResult, parseConfig } from "../config/load";
import { embeddedExampleConfig, resolveConfigPath } from "../config/locate";
import type { Config, LogFormat, LogLevel } from "../config/types";
import { startDaemon } from "../daemon";
import { StorageOpenError } from "../db/open";
import { SchemaTooNewError } from "../db/migrate";
import { EndpointIdTakenError } from "../endpoints/registry";
import { createLogger } from "../log";
import { keyFilePath } from "../sealing/keys";
import { SealError } from "../sealing/sealer";
import { oneOfFlag, parseOrUsage } from "./args";
import { CliError, type Command } from "./io";
import { type LogFlags, logSettings } from "./log-settings";
import { createReloader } from "./reload";
import { readConfigText, watchConfigFile } from "./watch-config";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const FORMATS: readonly LogFormat[] = ["json", "text"];

export const serve: Command = async (argv, io) => {
  const { values } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: { config: { type: "string" }, "log-level": { type: "string" }, "log-format": { type: "string" } },
    }),
  );
  const flags: LogFlags = {
    level: oneOfFlag(values["log-level"], LEVELS, "--log-level"),
    format: oneOfFlag(values["log-format"], FORMATS, "--log-format"),
  };
  const path = resolveConfigPath(values.config, io.env, existsSync);
  const load = (): LoadResult =>
    path === null
      ? parseConfig(embeddedExampleConfig(), EMBEDDED_SOURCE, { env: io.env, readFile: () => "" })
      : loadConfigFile(path, io.env);

  // Read before loading, so the watcher can tell whether the file changed while the daemon started.
  const loadedText = path === null ? null : readConfigText(path);
  const first = load();
  if (!first.ok) {
    for (const e of first.errors) io.stderr(`${e.toString()}\n`);
    throw new CliError(`the config has ${first.errors.length} error${first.errors.length === 1 ? "" : "s"}; nothing was started`);
  }
  const settings = (c: Config) => logSettings(c, flags, io.isTTY);
  const initial = settings(first.config);
  const log = createLogger(initial.level, initial.format, (line) => io.stdout(line));
  if (path === null) log.warn("no config file found; running the built-in example config");

  // Signals are taken from here on: one that arrives while the daemon starts must drain it, not kill it.
  const stopRequested = new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  let reload: ((why: string) => Promise<boolean>) | null = null;
  const onHup = () => void reload?.("SIGHUP");
  process.on("SIGHUP", onHup);

  let daemon;
  try {
    daemon = await startDaemon({ config: withLog(first.config, initial), log });
  } catch (err) {
    // What the operator must fix before a start can succeed: one sentence, no stack trace.
    if (err instanceof StorageOpenError || err instanceof SchemaTooNewError || err instanceof EndpointIdTakenError) throw new CliError(err.message);
    if (err instanceof SealError) throw new CliError(unsealable(err, first.config));
    throw err;
  }

  const running = daemon;
  reload = createReloader({
    load,
    apply: (c) => running.reload(withLog(c, settings(c))),
    log,
    outcome: (ok) => running.metrics.configReloaded(ok),
  });
  const watcher = path === null ? null : watchConfigFile(path, loadedText, () => void reload?.("config file changed"));
  await stopRequested;
  watcher?.close();
  process.off("SIGHUP", onHup);
  await daemon.stop();
  return 0;
};

/** Stored secrets no key opens: most often a database restored without the key file backed up with it. */
function unsealable(err: SealError, config: Config): string {
  const fix =
    config.storage.encryptionKeys.length > 0
      ? "list the key they were sealed under in storage.encryption_keys"
      : `the key file ${keyFilePath(config.storage.path)} must be the one backed up with the database`;
  return `cannot open the stored secrets of endpoints created over the API: ${err.message}; ${fix}`;
}

function withLog(config: Config, log: Config["log"]): Config {
  return { ...config, log };
}


