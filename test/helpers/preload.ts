/**
 * @module test/helpers/preload
 * Loaded before the test files (bunfig.toml, `[test] preload`): its
 * `afterAll` runs once after the last file, and stops this process's
 * PostgreSQL server if a test started one. (bun test runs no
 * `process.on("exit")` handlers, so this is the place.)
 */
import { afterAll } from "bun:test";
import { stopPostgresServer } from "./postgres-server";

afterAll(stopPostgresServer);
