/**
 * @module ui/lib/use-api
 * A page's read of the API as a hook: the answer, the error, and a reload;
 * optionally polled. An answer that arrives after the page moved on is dropped.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api";

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: Error | null;
  readonly loading: boolean;
  reload(): void;
}

/** GETs `path` (null: nothing to get yet) and again every `pollMs` when given. */
export function useApi<T>(path: string | null, pollMs?: number): Loaded<T> {
  return useLoad(path, () => api<T>("GET", path!), pollMs);
}

/**
 * Runs `load` for `key` (null: nothing to load yet), again every `pollMs`
 * when given, and from scratch whenever `key` changes: the key names what
 * `load` reads, as a path does for useApi.
 */
export function useLoad<T>(key: string | null, load: () => Promise<T>, pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: true });
  const current = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const run = useCallback(() => {
    if (key === null) return;
    const ticket = ++current.current;
    setState((s) => ({ ...s, loading: true }));
    latest.current().then(
      (data) => ticket === current.current && setState({ data, error: null, loading: false }),
      (error: Error) => ticket === current.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [key]);
  // A new key starts empty; a change of polling alone keeps what is shown.
  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    run();
    return () => void ++current.current;
  }, [run]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(run, pollMs);
    return () => clearInterval(timer);
  }, [run, pollMs]);
  return { ...state, reload: run };
}
