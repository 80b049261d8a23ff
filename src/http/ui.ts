/**
 * @module http/ui
 * `GET /ui/…`: the dashboard's three files, and index.html for every other
 * path below /ui/ so a deep link or a reload shows its page (the client
 * routes). Every answer carries the dashboard's security headers: a
 * Content-Security-Policy that allows only this origin's script and style
 * files (no inline script, no eval), framing only by `server.ui_frame_ancestors`,
 * no MIME sniffing, no referrer. The files hold no data and no token: the
 * page signs in and asks the API itself. `server.ui: false` answers 404.
 */
import { Elysia } from "elysia";
import { HttpError } from "./errors";
import { type UiAsset, uiAssets } from "./ui-assets";

export interface UiDeps {
  /** Read per request, so a reload applies at once. */
  readonly enabled: () => boolean;
  readonly frameAncestors: () => readonly string[];
}

/** Where the dashboard lives; its files refer to each other by absolute paths below it. */
export const UI_PREFIX = "/ui/";

/** The policy for `frameAncestors` (already checked to be plain origins by the config schema). */
export function contentSecurityPolicy(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length === 0 ? "'none'" : frameAncestors.join(" ")}`,
  ].join("; ");
}

export function uiRoutes(deps: UiDeps) {
  const hidden = { detail: { hide: true } };
  const serve = async (request: Request): Promise<Response> => {
    if (!deps.enabled()) throw off();
    const path = new URL(request.url).pathname;
    const name = path.slice(UI_PREFIX.length);
    const assets = await uiAssets();
    // A path whose last part looks like a file and is not one of ours is a missing file, not a page.
    const asset = assets.get(name) ?? (/\.[A-Za-z0-9]+$/.test(name) ? undefined : assets.get("index.html"));
    if (!asset) throw new HttpError(404, "not_found", `no dashboard file ${path}`);
    return answer(asset, request, deps.frameAncestors());
  };
  return (
    new Elysia({ name: "ui", normalize: false })
      // Elysia matches /ui/ to this route too (trailing slashes are loose): only the bare /ui is redirected.
      .get(
        "/ui",
        ({ request }) => {
          const url = new URL(request.url);
          if (url.pathname !== "/ui") return serve(request);
          if (!deps.enabled()) throw off();
          return new Response(null, { status: 308, headers: { location: `${UI_PREFIX}${url.search}` } });
        },
        hidden,
      )
      .get("/ui/*", ({ request }) => serve(request), hidden)
  );
}

function off(): HttpError {
  return new HttpError(404, "not_found", "the dashboard is turned off (server.ui: false)");
}

function answer(asset: UiAsset, request: Request, frameAncestors: readonly string[]): Response {
  const headers: Record<string, string> = {
    "content-type": asset.type,
    "content-security-policy": contentSecurityPolicy(frameAncestors),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    // Files are not content-hashed: a browser revalidates each load and gets 304 while unchanged.
    "cache-control": "no-cache",
    etag: asset.etag,
    vary: "accept-encoding",
  };
  if (frameAncestors.length === 0) headers["x-frame-options"] = "DENY";
  if (request.headers.get("if-none-match") === asset.etag) return new Response(null, { status: 304, headers });
  const gzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  if (gzip) headers["content-encoding"] = "gzip";
  return new Response(gzip ? asset.gzip : asset.body, { headers });
}
