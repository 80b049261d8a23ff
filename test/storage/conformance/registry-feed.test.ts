/**
 * The registry's change feed: every write of an API endpoint and every
 * change of an endpoint's state takes a revision, read back in order a
 * page at a time, deletes included; the writes of claims and outcomes
 * (counters, the rate limit's bucket) take none. SQLite has one node and
 * no feed.
 */
import { SQL } from "bun";
import { expect, it } from "bun:test";
import type { RegistryChange, RegistryFeed, Storage } from "../../../src/storage/stores";
import { describePostgres } from "../../helpers/postgres";
import { waitFor } from "../../helpers/wait";
import { attempt, ingest, NOW, request } from "./fixtures";
import { describeStorage } from "./storage";

const STATE = { state: "active", disabledReason: null, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, configHash: "h1" } as const;

/** Every change after `after`, read `page` rows at a time. */
async function readAll(feed: RegistryFeed, after: number, page: number): Promise<RegistryChange[]> {
  const all: RegistryChange[] = [];
  for (;;) {
    const rows = await feed.changes(all.at(-1)?.revision ?? after, page);
    all.push(...rows);
    if (rows.length < page) return all;
  }
}

const keyOf = (c: RegistryChange) => (c.kind === "api" ? `api:${c.row.id}` : `state:${c.id}:${c.state.state}`);

describeStorage("registry feed", (fx) => {
  it("revises every registry write, in order, deletes included, and nothing claims and outcomes write", async () => {
    const s = await fx.open();
    if (!fx.multiNode) {
      expect(s.registryFeed).toBeNull();
      return;
    }
    const feed = s.registryFeed!;
    expect(await feed.head()).toBe(0);
    const revisions: number[] = [];
    const wrote = async (write: () => Promise<unknown>) => {
      await write();
      revisions.push(await feed.head());
    };
    await wrote(() => s.apiEndpoints.insert("ep_1", "acme", '{"url":"https://a.example"}', ["sealed-1"], NOW));
    await wrote(() => s.endpointStates.save("ep_1", STATE));
    await wrote(() => s.apiEndpoints.updateDocument("ep_1", '{"url":"https://b.example"}', NOW + 1));
    await wrote(() => s.apiEndpoints.updateSecrets("ep_1", { current: ["sealed-2"], previous: "sealed-1", previousExpiresAt: NOW + 9 }, NOW + 2));
    await wrote(() => s.endpointStates.disable("ep_1", "disabled", "disabled by an operator", NOW + 3));
    const edited = { ...STATE, state: "disabled", disabledReason: "disabled by an operator", configHash: "h2" } as const;
    await wrote(() => s.endpointStates.save("ep_1", edited));
    await wrote(() => s.apiEndpoints.markDeleted("ep_1", NOW + 4));
    // Each write raised the head.
    expect(revisions.every((r, i) => r > (revisions[i - 1] ?? 0))).toBe(true);

    // Writes that change nothing a registry holds take no revision.
    const head = await feed.head();
    await s.endpointStates.save("ep_1", { ...edited, consecutiveFailures: 4 });
    expect(await s.endpointStates.disable("ep_1", "auto_disabled", "4 consecutive failed attempts", NOW + 5)).toBe(false);
    await ingest(s, { id: "e1", endpoints: ["x"] }, { id: "e2", endpoints: ["x"] });
    const claimed = (await s.claims.claim(request("x", 2, { rateLimit: { count: 10, perMs: 1_000 } }), NOW)).leased;
    expect(claimed.length).toBe(2);
    await s.outcomes.record([attempt(claimed[0]!, NOW + 10, { status: "pending", nextAttemptAt: NOW + 99 }), attempt(claimed[1]!, NOW + 10, { status: "delivered", nextAttemptAt: null })], null);
    expect(await feed.head()).toBe(head);

    // Each row once, as it is now, after the revision it was last written at.
    const changes = await readAll(feed, 0, 1);
    expect(changes.map(keyOf)).toEqual(["state:ep_1:disabled", "api:ep_1"]);
    expect(changes.map((c) => c.revision)).toEqual(revisions.slice(5));
    const api = changes.find((c) => c.kind === "api");
    expect(api?.kind === "api" && api.row).toEqual({
      id: "ep_1",
      tenant: "acme",
      document: '{"url":"https://b.example"}',
      secrets: '["sealed-2"]',
      previous_secret: "sealed-1",
      previous_expires_at: NOW + 9,
      created_at: NOW,
      updated_at: NOW + 4,
      deleted_at: NOW + 4,
    });
    expect(await feed.changes(head, 10)).toEqual([]);
  });

  it("pages through both tables in revision order, whatever the page size", async () => {
    const s = await fx.open();
    if (!fx.multiNode) return expect(s.registryFeed).toBeNull();
    const feed = s.registryFeed!;
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      await s.apiEndpoints.insert(`ep_${i}`, null, "{}", ["sealed"], NOW);
      expected.push(`api:ep_${i}`);
      if (i % 2 === 0) {
        await s.endpointStates.disable(`ep_${i}`, "disabled", "disabled by an operator", NOW);
        expected.push(`state:ep_${i}:disabled`);
      }
    }
    for (const page of [1, 2, 3, 100]) {
      const all = await readAll(feed, 0, page);
      expect(all.map(keyOf)).toEqual(expected);
      expect(all.every((c, i) => i === 0 || c.revision > all[i - 1]!.revision)).toBe(true);
    }
    const from = (await readAll(feed, 0, 100))[4]!.revision;
    expect((await readAll(feed, from, 2)).map(keyOf)).toEqual(expected.slice(5));
  });

  it("wakes every node, the writer too, when a registry write commits", async () => {
    if (!fx.multiNode) return;
    const nodes: Storage[] = [await fx.open("a"), await fx.open("b")];
    const woken = new Set<string>();
    const stops = await Promise.all(nodes.map((n) => n.registryFeed!.listen(() => woken.add(n.nodeId))));
    try {
      await nodes[0]!.apiEndpoints.insert("ep_1", null, "{}", ["sealed"], NOW);
      await waitFor("both nodes woken", () => woken.size === 2);
      woken.clear();
      await nodes[1]!.endpointStates.disable("ep_1", "disabled", "disabled by an operator", NOW);
      await waitFor("both nodes woken again", () => woken.size === 2);
    } finally {
      for (const stop of stops) await stop();
    }
  });
});

describePostgres("registry feed under concurrent writers", (db) => {
  it("never shows a revision before a lower one still uncommitted: writers draw them in commit order", async () => {
    const s = (await import("../../../src/storage/postgres/storage")).postgresStorage({ url: db.url, pool: 4, nodeId: "a", leaseMs: 60_000 });
    const sql = new SQL(db.url, { max: 2 });
    try {
      await s.migrations.migrate();
      await s.apiEndpoints.insert("ep_1", null, "{}", ["sealed"], NOW);
      await s.apiEndpoints.insert("ep_2", null, "{}", ["sealed"], NOW);
      const start = await s.registryFeed!.head();
      const tx = await sql.reserve();
      await tx`BEGIN`;
      await tx`UPDATE api_endpoints SET updated_at = ${NOW + 1} WHERE id = 'ep_1'`;
      // A second writer, on another connection, while the first is open.
      const second = s.apiEndpoints.updateDocument("ep_2", '{"x":1}', NOW + 2);
      await waitFor("the second writer waiting on the first", async () => {
        const [row] = await sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
        return row.n === 1;
      });
      expect(await s.registryFeed!.changes(start, 10)).toEqual([]);
      await tx`COMMIT`;
      tx.release();
      await second;
      const changes = await s.registryFeed!.changes(start, 10);
      expect(changes.map(keyOf)).toEqual(["api:ep_1", "api:ep_2"]);
    } finally {
      await sql.close();
      await s.close();
    }
  });
});
