/**
 * @module cli/receive
 * `hookrelay receive [--listen ADDR] [--secret S]... [--scheme NAME] [--header NAME]`:
 * a local receiver for trying hookrelay out. It verifies each request's
 * signature, prints it (type, id, verified, body) and answers 200 when the
 * signature is valid, 401 when not — as a careful receiver would. Runs until
 * SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import { parseListen } from "../config/net";
import type { SchemeName } from "../config/types";
import { SCHEMES } from "../signing";
import { parseOrUsage } from "./args";
import { type CliIo, type Command, UsageError } from "./io";
import { type Verdict, type VerifyOptions, verifySignature } from "./verify";

/** Where config.example.yaml's endpoint delivers, so the quick start needs no flags but the secret. */
const DEFAULT_LISTEN = "127.0.0.1:9000";
const DEFAULT_SCHEME: SchemeName = "standard-webhooks";

export const receive: Command = async (argv, io) => {
  const { values } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: {
        listen: { type: "string", default: DEFAULT_LISTEN },
        secret: { type: "string", multiple: true },
        scheme: { type: "string", default: DEFAULT_SCHEME },
        header: { type: "string" },
        json: { type: "boolean" },
      },
    }),
  );
  const address = parseListen(values.listen);
  if (!address) throw new UsageError("--listen must be host:port or [v6]:port, like 127.0.0.1:9000");
  if (!(values.scheme in SCHEMES)) throw new UsageError(`--scheme must be one of ${Object.keys(SCHEMES).join(", ")}`);
  const scheme = values.scheme as SchemeName;
  const secrets = values.secret ?? [];
  if (scheme !== "none" && secrets.length === 0) throw new UsageError(`--secret is required to verify ${scheme} signatures (or use --scheme none)`);
  const options: VerifyOptions = { scheme, secrets, header: values.header ?? null };

  const server = Bun.serve({
    hostname: address.host,
    port: address.port,
    fetch: async (request) => {
      const body = await request.text();
      const verdict = verifySignature(options, request.headers, body, Math.floor(Date.now() / 1000));
      report(io, request, body, verdict, values.json === true);
      return verdict.ok
        ? Response.json({ ok: true })
        : Response.json({ error: { code: "invalid_signature", message: verdict.reason } }, { status: 401 });
    },
  });
  io.stderr(`listening on http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${server.port}, verifying ${scheme} signatures; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  server.stop(true);
  return 0;
};

function report(io: CliIo, request: Request, body: string, verdict: Verdict, json: boolean): void {
  const parsed = parseJson(body);
  const envelope = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  const id = request.headers.get("webhook-id") ?? stringOrNull(envelope.id);
  const type = stringOrNull(envelope.type);
  const path = new URL(request.url).pathname;
  if (json) {
    const line = JSON.stringify({ method: request.method, path, type, id, verified: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.reason }) });
    // A JSON body is shown as its own text, since parsed and serialised again its numbers could change. JSON
    // has line breaks only between tokens, never inside one, so dropping them keeps the line one line.
    const shown = parsed === null ? JSON.stringify(body) : body.replace(/[\r\n]/g, "");
    io.stdout(`${line.slice(0, -1)},"body":${shown}}\n`);
    return;
  }
  const verified = verdict.ok ? "yes" : `no (${verdict.reason})`;
  io.stdout(`${request.method} ${path}  type=${type ?? "-"}  id=${id ?? "-"}  verified=${verified}\n${body}\n\n`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
