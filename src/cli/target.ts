/**
 * @module cli/target
 * Where the running daemon is and which token to show it, for every command
 * that talks to the admin API: `$HOOKRELAY_URL` and the token variables win,
 * the rest comes from the same config file `serve` would load (or the example
 * built into the binary when there is none, as `serve` does).
 */
import { existsSync } from "node:fs";
import { EMBEDDED_SOURCE, loadConfigFile, parseConfig } from "../config/load";
import { embeddedExampleConfig, resolveConfigPath } from "../config/locate";
import type { Config } from "../config/types";
import { CliError, type CliIo } from "./io";

/** Which token a command needs: `send` may use an ingest token, everything else needs an admin token. */
export type TokenRole = "admin" | "ingest";

export interface Target {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8787. */
  readonly url: string;
  readonly token: string;
  /** Where url and token came from, named in error messages so the operator knows what to fix. */
  readonly from: string;
}

/** Resolves the daemon's address and a token for `role`; the config is read only for what the environment lacks. */
export function resolveTarget(configFlag: string | undefined, role: TokenRole, io: CliIo): Target {
  const envUrl = nonEmpty(io.env.HOOKRELAY_URL);
  const envToken = role === "ingest" ? (nonEmpty(io.env.HOOKRELAY_INGEST_TOKEN) ?? nonEmpty(io.env.HOOKRELAY_ADMIN_TOKEN)) : nonEmpty(io.env.HOOKRELAY_ADMIN_TOKEN);
  if (envUrl !== undefined && envToken !== undefined) return { url: trimSlash(envUrl), token: envToken, from: "the environment" };

  const { config, name } = loadForTarget(configFlag, io);
  const url = envUrl !== undefined ? trimSlash(envUrl) : listenUrl(config, name);
  const token = envToken ?? configToken(config, role);
  if (token === undefined) {
    throw new CliError(`${name} has no ${role === "ingest" ? "ingest or admin" : "admin"} token; set HOOKRELAY_ADMIN_TOKEN or add one under auth`);
  }
  return { url, token, from: name };
}

function loadForTarget(flag: string | undefined, io: CliIo): { config: Config; name: string } {
  const path = resolveConfigPath(flag, io.env, existsSync);
  const result =
    path === null
      ? parseConfig(embeddedExampleConfig(), EMBEDDED_SOURCE, { env: io.env, readFile: () => "" })
      : loadConfigFile(path, io.env);
  const name = path ?? "the built-in example config";
  if (!result.ok) {
    const first = result.errors[0]!.toString();
    throw new CliError(`cannot find the daemon: ${name} is invalid (${first}); fix it or set HOOKRELAY_URL and HOOKRELAY_ADMIN_TOKEN`);
  }
  return { config: result.config, name };
}

/** The URL a local client reaches `server.listen` at: a wildcard address means "this host". */
function listenUrl(config: Config, name: string): string {
  const { host, port } = config.server;
  if (port === 0) throw new CliError(`${name} listens on port 0 (chosen at start); set HOOKRELAY_URL to the daemon's address`);
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

function configToken(config: Config, role: TokenRole): string | undefined {
  const ingest = role === "ingest" ? config.auth.ingestTokens[0] : undefined;
  return (ingest ?? config.auth.adminTokens[0])?.reveal();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
