/**
 * @module http/ui-assets
 * The dashboard's files as the route serves them: taken from the executable
 * when `npm run build` embedded them (dist/ui/ as `ui/…`), else bundled from
 * source on first use — so `npm start` needs no build step and the daemon's
 * start-up pays for none. Each file is gzipped once, with its ETag.
 */
import { buildUi, type UiFiles } from "./ui-build";

export interface UiAsset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly gzip: Uint8Array<ArrayBuffer>;
  readonly type: string;
  readonly etag: string;
}

/** Where `bun build --compile --asset dist/ui` puts the files among Bun.embeddedFiles. */
const EMBEDDED_PREFIX = "ui/";

const TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

let loading: Promise<ReadonlyMap<string, UiAsset>> | null = null;

/** The dashboard's files by name; the first call loads or builds them, later calls share the result. */
export function uiAssets(): Promise<ReadonlyMap<string, UiAsset>> {
  loading ??= load().catch((err) => {
    // A failed build is tried again on the next request rather than remembered.
    loading = null;
    throw err;
  });
  return loading;
}

async function load(): Promise<ReadonlyMap<string, UiAsset>> {
  const files = (await embedded()) ?? (await buildUi());
  const assets = new Map<string, UiAsset>();
  for (const [name, body] of files) {
    const type = TYPES[name];
    if (!type) continue;
    assets.set(name, { body, gzip: Bun.gzipSync(body), type, etag: `"${Bun.hash(body).toString(36)}"` });
  }
  return assets;
}

async function embedded(): Promise<UiFiles | null> {
  const files: UiFiles = new Map();
  for (const blob of Bun.embeddedFiles) {
    const name = (blob as Blob & { name?: string }).name ?? "";
    if (name.startsWith(EMBEDDED_PREFIX)) files.set(name.slice(EMBEDDED_PREFIX.length), new Uint8Array(await blob.arrayBuffer()));
  }
  return files.size > 0 ? files : null;
}
