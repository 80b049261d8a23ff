/**
 * @module test/cli/endpoint-writes
 * `endpoints create | update | delete | rotate-secret` and `portal` against a
 * real daemon and a real receiver: what each prints, that a secret is shown
 * once and signs what the receiver gets (checked with the standardwebhooks
 * package), and the one sentence each says when the API refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import { endpoints } from "../../src/cli/endpoints";
import { CliError, UsageError } from "../../src/cli/io";
import { portal } from "../../src/cli/portal";
import { startReceiver, type Receiver, type Received } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { cleanEnv, runCli, runInProcess } from "./helpers";

let receiver: Receiver;
let relay: InProcessRelay;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;

beforeAll(async () => {
  receiver = startReceiver();
  tmp = tempDir();
  const yaml = configYaml(tmp.dir, `  - id: from-yaml\n    url: ${receiver.url}\n    events: ["yaml.*"]\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n`);
  relay = await startRelay(yaml, { dir: tmp.dir });
  env = { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN };
});
afterAll(async () => {
  await relay.stop();
  receiver.close();
  tmp.remove();
});

/** Posts one event of `type` (for `tenant`), which one endpoint takes, and answers what the receiver got for it. */
async function deliveredFor(type: string, tenant?: string): Promise<Received> {
  const answer = (await (await relay.post("/v1/events", { type, data: { n: 1 }, ...(tenant ? { tenant } : {}) })).json()) as { id: string; deliveries: number };
  expect(answer.deliveries).toBe(1);
  return waitFor(`the delivery of ${answer.id}`, () => receiver.requests.find((r) => r.headers["webhook-id"] === answer.id));
}

const verifies = (secret: string, r: Received) => {
  try {
    new Webhook(secret).verify(r.body, r.headers);
    return true;
  } catch {
    return false;
  }
};

const fieldsOf = (stdout: string) => Object.fromEntries(stdout.split("\n").map((l) => /^(\w+):\s+(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m![1], m![2]]));

describe("hookrelay endpoints create", () => {
  it("prints the endpoint and its secret once, and that secret signs what the receiver gets", async () => {
    const out = await runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "order.*", "--event", "invoice.paid", "--id", "acme", "--tenant", "t-acme", "--description", "Acme orders"], env);
    const fields = fieldsOf(out.stdout);
    expect(fields).toMatchObject({ id: "acme", source: "api", tenant: "t-acme", description: "Acme orders", url: receiver.url, events: '["order.*","invoice.paid"]', state: "active" });
    const secret = /\nsecret: (whsec_\S+)\n$/.exec(out.stdout)?.[1];
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect((out.stdout + out.stderr).split(secret!).length).toBe(2);
    expect(out.stderr).toBe("created endpoint acme; its signing secret is shown only this once: store it where the receiver verifies signatures\n");
    // Shown once: the endpoint as read afterwards carries no secret.
    expect((await runInProcess(endpoints, ["show", "acme"], env)).stdout).not.toContain(secret!);

    const got = await deliveredFor("order.paid", "t-acme");
    expect(new Webhook(secret!).verify(got.body, got.headers)).toMatchObject({ id: got.headers["webhook-id"], type: "order.paid", data: { n: 1 } });
  });

  it("prints the API's answer as it came with --json, and repeats it for the same idempotency key", async () => {
    const args = ["create", "--url", receiver.url, "--event", "json.*", "--idempotency-key", "create-json-1", "--scheme", "hmac-sha256-hex", "--header", "X-Sig", "--secret", "my-own-secret", "--json"];
    const first = await runInProcess(endpoints, args, env);
    const created = JSON.parse(first.stdout);
    const id = created.id as string;
    expect(id).toMatch(/^ep_/);
    expect(created).toMatchObject({ source: "api", signature: { scheme: "hmac-sha256-hex", header: "X-Sig" }, secret: "my-own-secret" });
    expect(first.stderr).toBe("");
    const again = await runInProcess(endpoints, args.filter((a) => a !== "--json"), env);
    expect(fieldsOf(again.stdout).id).toBe(id);
    expect(again.stderr).toBe(`endpoint ${id} was already created with this idempotency key; nothing new was created\n`);
  });

  it("names each field the API refuses, in one sentence, exit 1", async () => {
    const err = await runInProcess(endpoints, ["create", "--url", "ftp://x.example", "--event", "a"], env).catch((e) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toBe("url: expected an http or https URL (HTTP 400)");
    const cli = await runCli(["endpoints", "create", "--url", "http://127.0.0.1:9/h", "--event", "a", "--scheme", "rot13"], cleanEnv(env));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toMatch(/^hookrelay endpoints: signature\.scheme: expected one of [^\n]+ \(HTTP 400\)\n$/);
  });

  it("says an id is taken, and refuses what the config file owns", async () => {
    await expect(runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "a", "--id", "from-yaml"], env)).rejects.toThrow(
      'endpoint id "from-yaml" is in use or was used before; ids are never reused (HTTP 409)',
    );
    await expect(runInProcess(endpoints, ["update", "from-yaml", "--url", receiver.url], env)).rejects.toThrow(/comes from the config file.*\(HTTP 409\)$/);
  });

  it("wants --url and --event, and keeps each action's flags to itself (exit 2)", async () => {
    await expect(runInProcess(endpoints, ["create", "--url", receiver.url], env)).rejects.toThrow("create needs --url and at least one --event");
    await expect(runInProcess(endpoints, ["show", "acme", "--url", "x"], env)).rejects.toBeInstanceOf(UsageError);
    const cli = await runCli(["endpoints", "create", "--event", "a"], cleanEnv(env));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toStartWith("hookrelay endpoints: create needs --url and at least one --event; usage: hookrelay endpoints create");
  });
});

describe("hookrelay endpoints update", () => {
  it("changes only the keys given (a merge patch) and prints the endpoint", async () => {
    await runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "up.a", "--id", "to-update", "--description", "kept"], env);
    const other = receiver.url.replace("/hook", "/other");
    const out = await runInProcess(endpoints, ["update", "to-update", "--url", other, "--event", "up.b", "--event", "up.c"], env);
    expect(fieldsOf(out.stdout)).toMatchObject({ id: "to-update", url: other, events: '["up.b","up.c"]', description: "kept", state: "active" });
    const off = JSON.parse((await runInProcess(endpoints, ["update", "to-update", "--enabled", "false", "--json"], env)).stdout);
    expect(off).toMatchObject({ state: "disabled", url: other, events: ["up.b", "up.c"], description: "kept" });
    // It has no config file entry to blame.
    expect(off.disabled_reason).toBe("disabled over the API (enabled: false)");
    expect(JSON.parse((await runInProcess(endpoints, ["update", "to-update", "--enabled", "true", "--json"], env)).stdout).state).toBe("active");
  });

  it("wants something to change and --enabled true or false", async () => {
    await expect(runInProcess(endpoints, ["update", "to-update"], env)).rejects.toThrow("update needs at least one setting to change");
    await expect(runInProcess(endpoints, ["update", "to-update", "--enabled", "yes"], env)).rejects.toThrow("--enabled must be true or false");
  });
});

describe("hookrelay endpoints delete", () => {
  it("deletes an endpoint: it is gone, and its id cannot be used again", async () => {
    await runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "del.*", "--id", "to-delete"], env);
    const out = await runInProcess(endpoints, ["delete", "to-delete"], env);
    expect(out.stdout).toBe("to-delete deleted\n");
    expect(out.stderr).toBe("its pending and held deliveries were cancelled; its id is never used again\n");
    expect((await relay.admin("GET", "/v1/endpoints/to-delete")).status).toBe(404);
    await expect(runInProcess(endpoints, ["delete", "to-delete", "--json"], env)).rejects.toThrow('no endpoint with id "to-delete" (HTTP 404)');
    await expect(runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "a", "--id", "to-delete"], env)).rejects.toThrow(/HTTP 409/);
  });

  it("prints one JSON document with --json", async () => {
    await runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "del.*", "--id", "to-delete-json"], env);
    expect(JSON.parse((await runInProcess(endpoints, ["delete", "to-delete-json", "--json"], env)).stdout)).toEqual({ id: "to-delete-json", deleted: true });
  });
});

describe("hookrelay endpoints rotate-secret", () => {
  it("prints the new secret once and when the previous one stops signing; both sign until then", async () => {
    const created = JSON.parse((await runInProcess(endpoints, ["create", "--url", receiver.url, "--event", "rot.*", "--id", "to-rotate", "--json"], env)).stdout);
    const out = await runInProcess(endpoints, ["rotate-secret", "to-rotate", "--grace", "1h"], env);
    const fields = fieldsOf(out.stdout);
    expect(fields.secret).toMatch(/^whsec_/);
    expect(fields.secret).not.toBe(created.secret);
    expect(fields.previous_expires_at).toMatch(/^\S+Z \(in (59m\d+s|1h)\)$/);
    expect((out.stdout + out.stderr).split(fields.secret!).length).toBe(2);
    expect(out.stderr).toMatch(/^the previous secret keeps signing until \S+Z; the new secret is shown only this once/);

    const during = await deliveredFor("rot.one");
    expect([verifies(fields.secret!, during), verifies(created.secret, during)]).toEqual([true, true]);

    const now = await runInProcess(endpoints, ["rotate-secret", "to-rotate", "--grace", "0s", "--secret", "whsec_bmV3ZXN0LXNlY3JldC1mb3ItdGVzdHM="], env);
    expect(now.stderr).toStartWith("the previous secret no longer signs;");
    const after = await deliveredFor("rot.two");
    expect([verifies("whsec_bmV3ZXN0LXNlY3JldC1mb3ItdGVzdHM=", after), verifies(fields.secret!, after)]).toEqual([true, false]);
  });

  it("prints the API's answer with --json, and names a bad grace", async () => {
    const json = JSON.parse((await runInProcess(endpoints, ["rotate-secret", "to-rotate", "--json"], env)).stdout);
    expect(Object.keys(json).sort()).toEqual(["previous_expires_at", "secret"]);
    await expect(runInProcess(endpoints, ["rotate-secret", "to-rotate", "--grace", "8d"], env)).rejects.toThrow("grace: expected a duration from 0s to 7d, like 24h (HTTP 400)");
  });
});

describe("hookrelay portal", () => {
  it("prints the session's link, with the token after #, which signs in as the tenant until revoked", async () => {
    const out = await runInProcess(portal, ["t-acme", "--ttl", "2h"], env);
    const url = out.stdout.trim();
    expect(url).toStartWith(`${relay.url}/ui/#token=`);
    expect(out.stderr).toMatch(/^portal session (ps_\w+): anyone with this link can manage the endpoints and deliveries of tenant t-acme until \S+Z \(in (1h59m|2h)\); end it sooner with: hookrelay portal --revoke ps_\w+\n$/);
    const token = url.split("#token=")[1]!;
    const asTenant = (await fetch(`${relay.url}/v1/endpoints`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json())) as { items: { id: string }[] };
    expect(asTenant.items.map((e) => e.id)).toEqual(["acme"]);

    const id = /portal session (ps_\w+)/.exec(out.stderr)![1]!;
    expect((await runInProcess(portal, ["--revoke", id], env)).stdout).toBe(`${id} revoked\n`);
    expect((await fetch(`${relay.url}/v1/endpoints`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("prints the API's answer with --json; a read-only session may only read", async () => {
    const session = JSON.parse((await runInProcess(portal, ["t-acme", "--read-only", "--json"], env)).stdout);
    expect(Object.keys(session).sort()).toEqual(["expires_at", "id", "token", "url"]);
    expect(session.url).toContain(`#token=${session.token}`);
    const write = await fetch(`${relay.url}/v1/endpoints/acme/disable`, { method: "POST", headers: { authorization: `Bearer ${session.token}` } });
    expect(write.status).toBe(403);
  });

  it("names a bad tenant, and wants one tenant (exit 2)", async () => {
    await expect(runInProcess(portal, ["no spaces"], env)).rejects.toThrow("tenant: expected a tenant of up to 128 letters, digits, _ . : and - (HTTP 400)");
    const cli = await runCli(["portal"], cleanEnv(env));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toStartWith("hookrelay portal: usage: hookrelay portal TENANT");
  });
});
