/**
 * @module ui/lib/router
 * Pages are real paths below /ui/ (the server answers index.html for each),
 * and a page's filters live in its query string, so any view can be
 * reloaded, bookmarked or shared. Navigation uses the History API.
 */
import { useEffect, useState } from "preact/hooks";

export const BASE = "/ui";

export type Route =
  | { readonly page: "overview" }
  | { readonly page: "endpoints" }
  | { readonly page: "endpoint"; readonly id: string }
  | { readonly page: "new_endpoint" }
  | { readonly page: "deliveries" }
  | { readonly page: "delivery"; readonly id: string }
  | { readonly page: "not_found" };

/** The page a path below /ui/ shows. */
export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length + 1) : pathname.replace(/^\//, "");
  const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "overview" };
  if (parts[0] === "endpoints" && parts.length === 1) return { page: "endpoints" };
  if (parts[0] === "endpoints" && parts.length === 2) return { page: "endpoint", id: parts[1]! };
  // Not below /endpoints/, where every name is a possible endpoint id.
  if (parts[0] === "new-endpoint" && parts.length === 1) return { page: "new_endpoint" };
  if (parts[0] === "deliveries" && parts.length === 1) return { page: "deliveries" };
  if (parts[0] === "deliveries" && parts.length === 2) return { page: "delivery", id: parts[1]! };
  return { page: "not_found" };
}

/** The dashboard URL of a page, with its query. */
export function href(path: string, query?: URLSearchParams | Record<string, string | undefined>): string {
  const params = query instanceof URLSearchParams ? query : new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => !!e[1]));
  const q = params.toString();
  return `${BASE}${path}${q ? `?${q}` : ""}`;
}

/** `query` with `changes` applied: a value sets its key, undefined or "" removes it. */
export function withParams(query: URLSearchParams, changes: Record<string, string | undefined>): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  return next;
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((fn) => fn()));

/** Goes to `url` (a dashboard URL); `replace` keeps the history entry, e.g. while typing in a filter. */
export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  listeners.forEach((fn) => fn());
  if (!replace) window.scrollTo(0, 0);
}

/** The current location, re-rendering on every navigation. */
export function useLocation(): { route: Route; query: URLSearchParams } {
  const [, tick] = useState(0);
  useEffect(() => {
    const fn = () => tick((n) => n + 1);
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, []);
  return { route: parseRoute(location.pathname), query: new URLSearchParams(location.search) };
}

/** A click handler for links that navigates in-page, leaving modified clicks (new tab) to the browser. */
export function followLink(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest?.("a");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`) || a.target) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
