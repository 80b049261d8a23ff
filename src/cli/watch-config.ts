/**
 * @module cli/watch-config
 * Notices the config file changing on disk. It watches the file's folder, not
 * the file: editors that save by writing a new file and renaming it over the
 * old one replace the inode a file watch would be tied to. Bursts of events
 * (truncate, write, rename) are debounced into one, and a change that leaves
 * the text as it was triggers nothing.
 */
import { type FSWatcher, readFileSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "../log";

/** Long enough to cover an editor's save sequence, short enough to feel immediate. */
export const DEBOUNCE_MS = 200;

export interface ConfigWatcher {
  close(): void;
}

/**
 * Calls `changed` once per settled change of the contents of the file at
 * `path`. `loaded` is the text the running config came from (read before it
 * was loaded), so a save that lands while the daemon starts is not missed.
 */
export function watchConfigFile(path: string, loaded: string | null, changed: () => void, log: Logger): ConfigWatcher {
  const name = basename(path);
  let last = loaded;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(settle, DEBOUNCE_MS);
  };
  const settle = () => {
    timer = null;
    const now = readConfigText(path);
    // Missing means mid-replace: the rename that completes it sends another event.
    if (now === null || now === last) return;
    last = now;
    changed();
  };
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) schedule();
    });
  } catch (err) {
    log.warn("cannot watch the config file; reload with SIGHUP instead", { path, error: String(err) });
    return { close() {} };
  }
  // Catches up with a save made between reading `loaded` and watching.
  schedule();
  watcher.on("error", (err) => log.warn("stopped watching the config file; reload with SIGHUP instead", { path, error: String(err) }));
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

/** The file's text, or null while it is missing (mid-replace, or deleted). */
export function readConfigText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
