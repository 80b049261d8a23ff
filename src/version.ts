/** @module version — the one place the version string lives; the build embeds package.json. */
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
