/**
 * @module http/ui-build
 * Bundles the dashboard (src/ui/) into the three files it is served as —
 * index.html, app.js, app.css — with Bun.build, in memory. `npm run build`
 * writes them to dist/ui/ to be embedded in the executable
 * (scripts/build-ui.ts); run from source, the daemon bundles them on the
 * first request to /ui/ instead (http/ui-assets.ts).
 */
import { fileURLToPath } from "node:url";

/** The dashboard's sources. Only meaningful from a checkout: the executable carries the built files. */
const SOURCE = fileURLToPath(new URL("../ui/", import.meta.url));

/** One built file of the dashboard, by name (index.html, app.js, app.css). */
export type UiFiles = Map<string, Uint8Array<ArrayBuffer>>;

export async function buildUi(): Promise<UiFiles> {
  const result = await Bun.build({
    entrypoints: [`${SOURCE}app.tsx`, `${SOURCE}app.css`],
    target: "browser",
    format: "esm",
    minify: true,
    naming: "[name].[ext]",
    // A bundle that reads process.env at run time would carry the build machine's values.
    define: { "process.env.NODE_ENV": '"production"' },
  });
  if (!result.success) throw new Error(`the dashboard did not build: ${result.logs.map(String).join("; ")}`);
  const files: UiFiles = new Map();
  for (const output of result.outputs) files.set(output.path.replace(/^.*\//, ""), new Uint8Array(await output.arrayBuffer()));
  files.set("index.html", new Uint8Array(await Bun.file(`${SOURCE}index.html`).arrayBuffer()));
  for (const name of ["index.html", "app.js", "app.css"]) {
    if (!files.has(name)) throw new Error(`the dashboard build made no ${name}`);
  }
  return files;
}
