/**
 * @module scripts/build-ui
 * Writes the dashboard's bundle to dist/ui/ (or the folder given, whose
 * name must be `ui`): index.html, app.js, app.css, which `npm run build`
 * then embeds in the executable with `--asset`. Prints each file's size and
 * the gzipped total.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUi } from "../src/http/ui-build";

const OUT = `${resolve(process.argv[2] ?? fileURLToPath(new URL("../dist/ui/", import.meta.url)))}/`;
// The executable finds the files by that folder name (http/ui-assets.ts).
if (basename(OUT) !== "ui") throw new Error(`the dashboard's folder must be named ui, not ${basename(OUT)}`);

const files = await buildUi();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
let gzipped = 0;
for (const [name, body] of files) {
  writeFileSync(`${OUT}${name}`, body);
  const gz = Bun.gzipSync(body).length;
  gzipped += gz;
  process.stdout.write(`${name}  ${(body.length / 1024).toFixed(1)} KiB (${(gz / 1024).toFixed(1)} KiB gzipped)\n`);
}
process.stdout.write(`dashboard: ${(gzipped / 1024).toFixed(1)} KiB gzipped in all\n`);
