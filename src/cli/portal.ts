/**
 * @module cli/portal
 * `hookrelay portal TENANT [--ttl 1h] [--read-only]`: opens a portal session
 * for one tenant and prints its link, which signs a browser in to the
 * dashboard as that tenant (the token rides after `#`). `--revoke ID` ends a
 * session before its time.
 */
import { parseArgs } from "node:util";
import type { PortalSessionView } from "./api-types";
import { CLIENT_OPTIONS, expectPositionals, parseOrUsage } from "./args";
import { adminClient, segment } from "./client";
import { type Command, UsageError } from "./io";
import { printJson, withRelative } from "./output";

const USAGE = "hookrelay portal TENANT [--ttl 1h] [--read-only] [--json] | portal --revoke SESSION_ID [--json]";

export const portal: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: { ...CLIENT_OPTIONS, ttl: { type: "string" }, "read-only": { type: "boolean" }, revoke: { type: "string" } },
      allowPositionals: true,
    }),
  );
  const client = () => adminClient(values.config, io);
  if (values.revoke !== undefined) {
    if (positionals.length > 0 || values.ttl !== undefined || values["read-only"]) throw new UsageError(`--revoke takes a session id alone; usage: ${USAGE}`);
    await client().delete(`/v1/portal/sessions/${segment(values.revoke)}`);
    if (values.json) printJson(io, { id: values.revoke, revoked: true });
    else io.stdout(`${values.revoke} revoked\n`);
    return 0;
  }
  expectPositionals(positionals, 1, USAGE);
  const tenant = positionals[0]!;
  const body = { tenant, ...(values.ttl === undefined ? {} : { ttl: values.ttl }), ...(values["read-only"] ? { read_only: true } : {}) };
  const session = await client().post<PortalSessionView>("/v1/portal/sessions", body);
  if (values.json) {
    printJson(io, session);
    return 0;
  }
  io.stdout(`${session.url}\n`);
  const access = values["read-only"] ? "see" : "manage";
  io.stderr(
    `portal session ${session.id}: anyone with this link can ${access} the endpoints and deliveries of tenant ${tenant} until ${withRelative(session.expires_at, Date.now())}; ` +
      `end it sooner with: hookrelay portal --revoke ${session.id}\n`,
  );
  return 0;
};
