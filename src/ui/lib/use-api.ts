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
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: true });
  const current = useRef(0);
  const load = useCallback(() => {
    if (path === null) return;
    const ticket = ++current.current;
    setState((s) => ({ ...s, loading: true }));
    api<T>("GET", path).then(
      (data) => ticket === current.current && setState({ data, error: null, loading: false }),
      (error: Error) => ticket === current.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, [path]);
  // A new path starts empty; a change of polling alone keeps what is shown.
  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    load();
    return () => void ++current.current;
  }, [load]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(load, pollMs);
    return () => clearInterval(timer);
  }, [load, pollMs]);
  return { ...state, reload: load };
}
