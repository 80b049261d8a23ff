/**
 * @module test/tenants/portal-sessions
 * `POST /v1/portal/sessions` and `DELETE /v1/portal/sessions/:id`
 * (interface.md §9): the answer and its link, tokens stored only as hashes,
 * ttl bounds, read-only sessions, a token asking for its own session, and
 * tokens that stop working the moment a session is revoked or expires.
 */
import { describe, expect, it } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deferCleanup } from "../helpers/cleanup";
import { configYaml, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { ADMIN_TOKEN, call, configEndpoint, expectJson, INGEST_TOKEN, openSession, receiver, relayWith, type Session } from "./fixture";

const defer = deferCleanup();
const HOUR = 3_600_000;
const ids = (page: { items: { id: string }[] }) => page.items.map((e) => e.id);

const sessionCount = (relay: { db: { query(sql: string): { get(): unknown } } }) =>
  (relay.db.query("SELECT count(*) AS n FROM portal_sessions").get() as { n: number }).n;

describe("portal sessions", () => {
  it("answers 201 {id, token, url, expires_at} with the token after # in a link to the listen address", async () => {
    const relay = await relayWith(defer, configEndpoint("a-cfg", receiver(defer).url, { tenant: "acme" }));
    const before = Date.now();
    const res = await call(relay, ADMIN_TOKEN, "POST", "/v1/portal/sessions", { tenant: "acme" });
    expect(res.status).toBe(201);
    const s = (await res.json()) as Session;
    expect(Object.keys(s).sort()).toEqual(["expires_at", "id", "token", "url"]);
    expect(s.url).toStartWith(`${relay.url}/`);
    const link = new URL(s.url);
    expect(link.hash).toContain(s.token);
    expect(`${link.origin}${link.pathname}${link.search}`).not.toContain(s.token);
    // A default ttl of one hour.
    const expires = Date.parse(s.expires_at);
    expect(s.expires_at).toBe(new Date(expires).toISOString());
    expect(expires).toBeGreaterThanOrEqual(before + HOUR);
    expect(expires).toBeLessThanOrEqual(Date.now() + HOUR);
    // The token works, for its tenant's objects.
    const list = await expectJson(call(relay, s.token, "GET", "/v1/endpoints"), 200);
    expect(list.items.map((e: { id: string }) => e.id)).toEqual(["a-cfg"]);
  });

  it("starts the link with server.public_url when set", async () => {
    const relay = await relayWith(defer, "", { server: ["public_url: https://hooks.example.com/relay/"] });
    const s = await openSession(relay, "acme");
    expect(s.url).toStartWith("https://hooks.example.com/relay/");
    expect(s.url).not.toContain("/relay//");
    expect(new URL(s.url).hash).toContain(s.token);
  });

  it("reads a wildcard listen address as 127.0.0.1 in the link", async () => {
    const relay = await relayWith(defer, "", { listen: "0.0.0.0:0" });
    const port = new URL(relay.url).port;
    const s = await openSession(relay, "acme");
    expect(s.url).toStartWith(`http://127.0.0.1:${port}/`);
  });

  it("stores only a hash of the token: neither the database nor its WAL nor the log holds it", async () => {
    const relay = await relayWith(defer, configEndpoint("a-cfg", receiver(defer).url, { tenant: "acme" }));
    const sessions = [await openSession(relay, "acme"), await openSession(relay, "acme", { read_only: true })];
    for (const s of sessions) await expectJson(call(relay, s.token, "GET", "/v1/endpoints"), 200);
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${sessions[0]!.id}`), 204);
    const files = ["hookrelay.db", "hookrelay.db-wal"].map((f) => join(relay.dir, f)).filter(existsSync);
    expect(files.length).toBeGreaterThan(0);
    for (const s of sessions) {
      const secretPart = s.token.slice(s.token.indexOf("_") + 1);
      for (const file of files) {
        const bytes = readFileSync(file);
        expect({ file, token: bytes.includes(s.token) }).toEqual({ file, token: false });
        expect({ file, secret: bytes.includes(secretPart) }).toEqual({ file, secret: false });
      }
      expect(relay.logs.join("\n")).not.toContain(secretPart);
    }
    // The sessions themselves are there: the search would have found text stored in them.
    expect(readFileSync(join(relay.dir, "hookrelay.db-wal")).includes(sessions[1]!.id)).toBe(true);
  });

  it("takes a ttl up to 7d and refuses, storing nothing, any other value with 400", async () => {
    const relay = await relayWith(defer, "");
    const week = await openSession(relay, "acme", { ttl: "7d" });
    expect(Date.parse(week.expires_at)).toBeGreaterThan(Date.now() + 7 * 24 * HOUR - 60_000);
    const minutes = await openSession(relay, "acme", { ttl: "90m" });
    expect(Date.parse(minutes.expires_at)).toBeLessThanOrEqual(Date.now() + 90 * 60_000);
    const stored = sessionCount(relay);
    const bad = ["8d", "169h", "0s", "-1h", "soon", "", "1 h", 60, null, true];
    for (const ttl of bad) {
      const err = await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/portal/sessions", { tenant: "acme", ttl }), 400, `ttl ${JSON.stringify(ttl)}`);
      expect(err.error.details.map((d: { field: string }) => d.field)).toContain("/ttl");
    }
    for (const body of [{}, { tenant: "" }, { tenant: "has space" }, { tenant: "acme", read_only: "yes" }, { tenant: "acme", extra: 1 }]) {
      await expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/portal/sessions", body), 400, JSON.stringify(body));
    }
    expect(sessionCount(relay)).toBe(stored);
  });

  it("lets a read_only session read and refuses its every write with 403", async () => {
    const rcv = receiver(defer);
    const relay = await relayWith(defer, configEndpoint("a-cfg", rcv.url, { tenant: "acme" }));
    const api = await expectJson(
      call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints", { id: "a-api", url: rcv.url, events: ["*"], tenant: "acme" }),
      201,
    );
    const ev = await expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", { type: "a.b", data: {}, tenant: "acme" }), 202);
    await rcv.waitForRequests(2);
    const s = await openSession(relay, "acme", { read_only: true });
    const page = await expectJson(call(relay, s.token, "GET", "/v1/deliveries"), 200);
    expect(page.items).toHaveLength(2);
    await expectJson(call(relay, s.token, "GET", `/v1/deliveries/${page.items[0].id}`), 200);
    await expectJson(call(relay, s.token, "GET", `/v1/events/${ev.id}`), 200);
    await expectJson(call(relay, s.token, "GET", `/v1/endpoints/${api.id}`), 200);
    const writes: [string, string, unknown?][] = [
      ["POST", "/v1/endpoints", { url: rcv.url, events: ["*"] }],
      ["PATCH", "/v1/endpoints/a-api", { description: "changed" }],
      ["DELETE", "/v1/endpoints/a-api"],
      ["POST", "/v1/endpoints/a-api/rotate-secret", {}],
      ["POST", "/v1/endpoints/a-api/disable"],
      ["POST", "/v1/endpoints/a-api/enable"],
      ["POST", "/v1/endpoints/a-cfg/test"],
      ["POST", `/v1/deliveries/${page.items[0].id}/retry`],
      ["POST", "/v1/deliveries/retry", { status: "delivered" }],
    ];
    for (const [method, path, body] of writes) {
      const err = await expectJson(call(relay, s.token, method, path, body), 403, `${method} ${path}`);
      expect(err.error.code).toBe("forbidden");
    }
    // Nothing changed: no new endpoint, no delivery queued again, nothing sent.
    const after = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries"), 200);
    expect(after.items.map((d: { status: string }) => d.status)).toEqual(["delivered", "delivered"]);
    const endpoints = await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/endpoints"), 200);
    expect(endpoints.items.map((e: { id: string; description: string | null }) => [e.id, e.description])).toEqual([
      ["a-api", null],
      ["a-cfg", null],
    ]);
    expect(rcv.requests).toHaveLength(2);
  });

  it("answers a tenant token with its own session: tenant, read_only and expiry, never the token", async () => {
    const relay = await relayWith(defer, "");
    const [rw, ro, other] = [await openSession(relay, "acme"), await openSession(relay, "acme", { read_only: true }), await openSession(relay, "bolt")];
    for (const [s, tenant, readOnly] of [[rw, "acme", false], [ro, "acme", true], [other, "bolt", false]] as const) {
      const res = await call(relay, s.token, "GET", "/v1/portal/session");
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toEqual({ id: s.id, tenant, read_only: readOnly, expires_at: s.expires_at });
      expect(text).not.toContain(s.token.slice(4));
    }
    // An admin token has no session of its own; ingest tokens and no token are refused.
    expect((await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/portal/session"), 404)).error.code).toBe("not_found");
    await expectJson(call(relay, INGEST_TOKEN, "GET", "/v1/portal/session"), 401);
    await expectJson(call(relay, null, "GET", "/v1/portal/session"), 401);
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${rw.id}`), 204);
    expect((await expectJson(call(relay, rw.token, "GET", "/v1/portal/session"), 401)).error.message).toContain("revoked");
  });

  it("refuses a revoked session's token with 401 at once, leaving the tenant's other sessions working", async () => {
    const relay = await relayWith(defer, "");
    const [one, two] = [await openSession(relay, "acme"), await openSession(relay, "acme")];
    await expectJson(call(relay, one!.token, "GET", "/v1/endpoints"), 200);
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${one!.id}`), 204);
    const err = await expectJson(call(relay, one!.token, "GET", "/v1/endpoints"), 401);
    expect(err.error.message).toContain("revoked");
    expect(JSON.stringify(err)).not.toContain(one!.token);
    await expectJson(call(relay, one!.token, "POST", "/v1/events", { type: "a.b", data: {} }), 401);
    await expectJson(call(relay, two!.token, "GET", "/v1/endpoints"), 200);
    await expectJson(call(relay, ADMIN_TOKEN, "DELETE", "/v1/portal/sessions/ps_unknown"), 404);
    // A session cannot open or revoke sessions, its own included.
    await expectJson(call(relay, two!.token, "DELETE", `/v1/portal/sessions/${two!.id}`), 403);
    await expectJson(call(relay, two!.token, "POST", "/v1/portal/sessions", { tenant: "acme" }), 403);
    await expectJson(call(relay, two!.token, "GET", "/v1/endpoints"), 200);
  });

  it("keeps sessions and revocations across a restart of the daemon", async () => {
    const tmp = tempDir();
    defer(() => tmp.remove());
    const config = writeConfig(tmp.dir, configYaml(tmp.dir, configEndpoint("a-cfg", "http://127.0.0.1:9/hook", { tenant: "acme" })));
    const run = async () => {
      const relay = await spawnRelay(config);
      const stop = async () => {
        relay.proc.kill("SIGTERM");
        expect(await relay.exited).toBe(0);
      };
      return { relay, stop };
    };
    const first = await run();
    defer(() => first.relay.proc.kill());
    const [kept, revoked] = [await openSession(first.relay, "acme"), await openSession(first.relay, "acme")];
    await expectJson(call(first.relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${revoked.id}`), 204);
    await first.stop();
    const second = await run();
    defer(() => second.relay.proc.kill());
    expect(ids(await expectJson(call(second.relay, kept.token, "GET", "/v1/endpoints"), 200))).toEqual(["a-cfg"]);
    await expectJson(call(second.relay, revoked.token, "GET", "/v1/endpoints"), 401);
    await second.stop();
  });

  it("refuses an expired session's token with 401", async () => {
    const relay = await relayWith(defer, "");
    const s = await openSession(relay, "acme", { ttl: "1s" });
    expect(Date.parse(s.expires_at)).toBeLessThanOrEqual(Date.now() + 1000);
    const first = await call(relay, s.token, "GET", "/v1/endpoints");
    // Still valid unless this machine took the whole second to answer.
    if (Date.now() < Date.parse(s.expires_at)) expect(first.status).toBe(200);
    const err = await waitFor(
      "the session to expire",
      async () => {
        const res = await call(relay, s.token, "GET", "/v1/endpoints");
        return res.status === 401 ? ((await res.json()) as { error: { message: string } }) : null;
      },
      5_000,
    );
    expect(err.error.message).toContain("expired");
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(s.expires_at));
  });
});
