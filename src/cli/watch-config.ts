/**
 * @module cli/watch-config
 * Notices the config file changing on disk by polling its path with stat.
 * Polling the path, not watching the inode, follows editors that save by
 * writing a new file and renaming it over the old one. It also costs nothing
 * per database write: a folder watch (inotify) woke a thread and ran a
 * callback for every write to the WAL whenever the database lived beside the
 * config, about an eighth of the CPU each ingested event cost. Changes seen
 * in quick succession (truncate, write, rename) are debounced into one, and a
 * change that leaves the text as it was triggers nothing.
 */
import { readFileSync, unwatchFile, watchFile } from "node:fs";

/** A stat four times a second costs nothing, and a save still takes effect within a moment. */
const POLL_MS = 250;
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
export function watchConfigFile(path: string, loaded: string | null, changed: () => void): ConfigWatcher {
  let last = loaded;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(settle, DEBOUNCE_MS);
  };
  const settle = () => {
    timer = null;
    const now = readConfigText(path);
    // Missing means mid-replace (or deleted): a later poll sees the file return.
    if (now === null || now === last) return;
    last = now;
    changed();
  };
  watchFile(path, { persistent: false, interval: POLL_MS }, schedule);
  // Catches up with a save made between reading `loaded` and watching.
  schedule();
  return {
    close() {
      if (timer) clearTimeout(timer);
      unwatchFile(path, schedule);
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
