/**
 * @module cli/reload
 * One config reload, whatever asked for it (SIGHUP or the file changing):
 * load and validate in full, then hand the new config to the daemon. A config
 * with any error changes nothing; every error is logged with its line and
 * column, and the outcome is reported for the reload metric. Reloads run one
 * at a time, in the order they were asked for.
 */
import type { LoadResult } from "../config/load";
import type { Config } from "../config/types";
import type { Logger } from "../log";

export interface ReloadDeps {
  readonly load: () => LoadResult;
  /** Swaps the running config; throws only if the daemon could not apply it. */
  readonly apply: (config: Config) => Promise<void>;
  readonly log: Logger;
  /** Told whether each reload took effect (hookrelay_config_last_reload_successful). */
  readonly outcome: (ok: boolean) => void;
}

/** Returns the reload action; `reason` says what triggered it, for the log. */
export function createReloader(deps: ReloadDeps): (reason: string) => Promise<boolean> {
  let last: Promise<unknown> = Promise.resolve();
  const once = async (reason: string): Promise<boolean> => {
    const next = deps.load();
    if (!next.ok) {
      for (const e of next.errors) deps.log.error("config reload refused; keeping the running config", { reason, problem: e.toString() });
      deps.outcome(false);
      return false;
    }
    try {
      await deps.apply(next.config);
    } catch (err) {
      deps.log.error("config reload failed; keeping the running config", { reason, error: err instanceof Error ? err.message : String(err) });
      deps.outcome(false);
      return false;
    }
    deps.log.info("config reloaded", { reason, endpoints: next.config.endpoints.length });
    deps.outcome(true);
    return true;
  };
  return (reason) => {
    const run = last.then(() => once(reason));
    last = run;
    return run;
  };
}
