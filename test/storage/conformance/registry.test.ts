/** API endpoints (ids never reused), idempotent creates, portal sessions. */
import { expect, it } from "bun:test";
import { NOW } from "./fixtures";
import { describeStorage } from "./storage";

describeStorage("API endpoints and portal sessions", (fx) => {
  it("create, update, rotate and delete API endpoints; a deleted id stays taken", async () => {
    const s = await fx.open();
    await s.apiEndpoints.insert("ep_1", "acme", '{"url":"https://a.example"}', ["sealed-1"], NOW);
    await s.apiEndpoints.insert("ep_2", null, '{"url":"https://b.example"}', ["sealed-2"], NOW);
    expect(await s.apiEndpoints.get("ep_1")).toEqual({
      id: "ep_1",
      tenant: "acme",
      document: '{"url":"https://a.example"}',
      secrets: '["sealed-1"]',
      previous_secret: null,
      previous_expires_at: null,
      created_at: NOW,
      updated_at: NOW,
      deleted_at: null,
    });
    expect(await s.apiEndpoints.updateDocument("ep_1", '{"url":"https://c.example"}', NOW + 1)).toBe(true);
    expect(await s.apiEndpoints.updateSecrets("ep_1", { current: ["sealed-3"], previous: "sealed-1", previousExpiresAt: NOW + 99 }, NOW + 2)).toBe(true);
    expect(await s.apiEndpoints.get("ep_1")).toMatchObject({ document: '{"url":"https://c.example"}', secrets: '["sealed-3"]', previous_secret: "sealed-1", previous_expires_at: NOW + 99, updated_at: NOW + 2 });
    expect(await s.apiEndpoints.countLive("acme")).toBe(1);
    expect(await s.apiEndpoints.countLive(null)).toBe(1);
    expect(await s.apiEndpoints.markDeleted("ep_1", NOW + 3)).toBe(true);
    expect(await s.apiEndpoints.markDeleted("ep_1", NOW + 4)).toBe(false);
    expect(await s.apiEndpoints.updateDocument("ep_1", "{}", NOW + 5)).toBe(false);
    expect(await s.apiEndpoints.countLive("acme")).toBe(0);
    expect((await s.apiEndpoints.get("ep_1"))?.deleted_at).toBe(NOW + 3);
    const reused = await s.apiEndpoints.insert("ep_1", "acme", "{}", [], NOW + 6).then(
      () => "inserted",
      () => "refused",
    );
    expect(reused).toBe("refused");
    expect(await s.apiEndpoints.idsAmong(["ep_1", "ep_2", "file_ep"])).toEqual(new Set(["ep_1", "ep_2"]));
    const all = [];
    for await (const row of s.apiEndpoints.each()) all.push(row.id);
    expect(all.sort()).toEqual(["ep_1", "ep_2"]);
  });

  it("keep an idempotent create's answer for its key until it is pruned or too old", async () => {
    const s = await fx.open();
    await s.endpointCreates.insert("", "key-1", "hash-1", "sealed-answer-1", NOW);
    expect<unknown>(await s.endpointCreates.find("", "key-1", NOW - 1)).toEqual({ body_hash: "hash-1", answer: "sealed-answer-1", created_at: NOW });
    expect(await s.endpointCreates.find("acme", "key-1", 0)).toBeNull();
    expect(await s.endpointCreates.find("", "key-1", NOW + 1)).toBeNull();
    await s.endpointCreates.insert("", "key-1", "hash-2", "sealed-answer-2", NOW + 10);
    expect<unknown>(await s.endpointCreates.find("", "key-1", NOW)).toEqual({ body_hash: "hash-2", answer: "sealed-answer-2", created_at: NOW + 10 });
    expect(await s.endpointCreates.prune(NOW + 11)).toBe(1);
    expect(await s.endpointCreates.find("", "key-1", 0)).toBeNull();
  });

  it("store portal sessions by token hash, revoke once, and prune ended ones", async () => {
    const s = await fx.open();
    const row = { id: "ps_1", tenant: "acme", token_hash: "h1", read_only: 1, created_at: NOW, expires_at: NOW + 3_600_000 };
    await s.portalSessions.insert(row);
    await s.portalSessions.insert({ ...row, id: "ps_2", token_hash: "h2", expires_at: NOW + 10 });
    expect(await s.portalSessions.byTokenHash("h1")).toEqual({ ...row, revoked_at: null });
    expect(await s.portalSessions.byId("ps_2")).toMatchObject({ token_hash: "h2" });
    expect(await s.portalSessions.byTokenHash("nope")).toBeNull();
    expect(await s.portalSessions.revoke("ps_1", NOW + 5)).toBe(true);
    expect(await s.portalSessions.revoke("ps_1", NOW + 6)).toBe(false);
    expect((await s.portalSessions.byId("ps_1"))?.revoked_at).toBe(NOW + 5);
    expect(await s.portalSessions.pruneEnded(NOW + 11)).toBe(1);
    expect(await s.portalSessions.byId("ps_2")).toBeNull();
  });
});
