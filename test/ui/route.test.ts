/** @module test/ui/route — /ui/ over HTTP: files, the SPA fallback, headers, caching, and server.ui / ui_frame_ancestors. */
import { describe, expect, it } from "bun:test";
import { configYaml, startRelay, tempDir } from "../helpers/relay";

/** Runs `body` against a relay; `reload(lines)` applies a config with `lines` added to its server section. */
async function withUi(body: (url: string, reload: (serverLines: string) => Promise<void>) => Promise<void>) {
  const tmp = tempDir();
  const yaml = (x: string) => configYaml(tmp.dir, "  []").replace("endpoints:\n  []", "endpoints: []").replace("  shutdown_grace: 5s\n", `  shutdown_grace: 5s\n${x}`);
  const relay = await startRelay(yaml(""), { dir: tmp.dir });
  try {
    await body(relay.url, (x) => relay.reload(yaml(x)));
  } finally {
    await relay.stop();
    tmp.remove();
  }
}

describe("the dashboard route", () => {
  it("answers its files, index.html for any page path, and 404 for a missing file", async () => {
    await withUi(async (url) => {
      const shell = await fetch(`${url}/ui/`);
      expect(shell.status).toBe(200);
      const html = await shell.text();
      for (const page of ["/ui/deliveries/dlv_9", "/ui/endpoints/a-b_c", "/ui/anything/else?x=1"]) {
        const res = await fetch(`${url}${page}`);
        expect({ page, status: res.status, same: (await res.text()) === html }).toEqual({ page, status: 200, same: true });
      }
      expect((await fetch(`${url}/ui/app.js`)).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect((await fetch(`${url}/ui/app.css`)).headers.get("content-type")).toBe("text/css; charset=utf-8");
      const missing = await fetch(`${url}/ui/missing.js`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as any).error.code).toBe("not_found");
      const bare = await fetch(`${url}/ui?x=1`, { redirect: "manual" });
      expect(bare.status).toBe(308);
      expect(bare.headers.get("location")).toBe("/ui/?x=1");
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: object };
      expect(Object.keys(doc.paths).filter((p) => p.startsWith("/ui"))).toEqual([]);
    });
  });

  it("sends the security headers, gzip when asked, and 304 for an unchanged file", async () => {
    await withUi(async (url) => {
      const res = await fetch(`${url}/ui/app.js`, { headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit);
      expect(res.headers.get("content-encoding")).toBe("gzip");
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const etag = res.headers.get("etag")!;
      const again = await fetch(`${url}/ui/app.js`, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
    });
  });

  it("lets the listed origins frame it, and server.ui: false turns it off at the next reload", async () => {
    await withUi(async (url, reload) => {
      await reload('  ui_frame_ancestors: [https://portal.vendor.example, "https://*.vendor.example"]\n');
      const framed = await fetch(`${url}/ui/`);
      expect(framed.headers.get("content-security-policy")).toContain("frame-ancestors https://portal.vendor.example https://*.vendor.example");
      expect(framed.headers.get("x-frame-options")).toBeNull();
      await reload("  ui: false\n");
      for (const page of ["/ui/", "/ui/app.js", "/ui"]) {
        const res = await fetch(`${url}${page}`, { redirect: "manual" });
        expect({ page, status: res.status }).toEqual({ page, status: 404 });
        expect(((await res.json()) as any).error.message).toContain("server.ui: false");
      }
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    });
  });
});
