/**
 * Three nodes on one PostgreSQL database, end to end: three real daemons
 * started from one YAML file, each on its own port, delivering to one real
 * receiver that verifies every request with the standardwebhooks library.
 * Events posted to any node are delivered, once each when nothing fails;
 * every node lists all three; `max_in_flight` is counted across the nodes;
 * a node killed with SIGKILL while its attempts hang loses nothing, as the
 * others redo those attempts once their lease has run out.
 */
import { SQL } from "bun";
import { afterAll, expect, it } from "bun:test";
import { describePostgres } from "../helpers/postgres";
import { attemptsOf, ids, postRoundRobin, startNodes, stopAll } from "../helpers/postgres-nodes";
import { nodeIdOf, signedReceiver } from "../helpers/postgres-relay";
import { ADMIN_TOKEN, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const tmp = tempDir();
afterAll(() => tmp.remove());

describePostgres("three nodes on one PostgreSQL database", (db) => {
  it("delivers every event posted to any node, once each, and every node lists all three", async () => {
    const signed = signedReceiver();
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m" });
    try {
      const posted = ids("rr", 60);
      expect(await postRoundRobin(nodes, posted)).toEqual(posted);
      await signed.waitForAll(posted, 30_000);
      expect([signed.ids.size, signed.refused(), signed.duplicates()]).toEqual([posted.length, 0, 0]);
      const expected = nodes.map(nodeIdOf).sort();
      for (const node of nodes) {
        const listing = (await (await fetch(`${node.url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: { id: string }[] };
        expect(listing.items.map((n) => n.id).sort()).toEqual(expected);
      }
    } finally {
      await stopAll(nodes, signed);
    }
  }, 90_000);

  it("holds max_in_flight across the nodes: never more than 2 requests at once at the receiver", async () => {
    let open = 0;
    let most = 0;
    // A slow receiver, so the three nodes' attempts of a round overlap.
    const signed = signedReceiver(async () => {
      most = Math.max(most, ++open);
      await Bun.sleep(200);
      open--;
    });
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2m", endpoint: "    max_in_flight: 2\n" });
    try {
      // Rounds of three events, all posted to one node, a different one each
      // round. That node hears of them first and takes two, which is the limit;
      // the other two hear of the third by NOTIFY while those two are open, and
      // the limit, counted in the database, holds them back: a limit counted
      // per node would let a third request through. Rounds posted to three
      // nodes at once would let whichever node commits first take every
      // round, as its finished attempts claim the rest before the others'
      // hold-back ends, and a run on a busy machine could see one node only.
      const posted: string[] = [];
      for (let round = 0; round < 12; round++) {
        const batch = ids(`held-${round}`, nodes.length);
        const node = nodes[round % nodes.length]!;
        expect(await postRoundRobin([node], batch)).toEqual(batch);
        await signed.waitForAll(batch, 30_000);
        posted.push(...batch);
      }
      expect([most, signed.ids.size, signed.refused(), signed.duplicates()]).toEqual([2, posted.length, 0, 0]);
      const attempts = await waitFor("every attempt counted", async () => {
        const counts = await Promise.all(nodes.map(attemptsOf));
        return counts.reduce((a, b) => a + b) === posted.length ? counts : null;
      });
      console.log(`max_in_flight across nodes: attempts per node ${attempts.join(", ")}`);
      // More than one node took part, so the limit was held across nodes, not within one.
      expect(attempts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      await stopAll(nodes, signed);
    }
  }, 90_000);
  it("redoes the attempts of a node killed while they hang once its lease runs out, and loses nothing answered 202", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const signed = signedReceiver(() => released);
    const nodes = await startNodes(tmp.dir, db, signed, { lease: "2s" });
    const sql = new SQL(db.url, { max: 1 });
    try {
      const posted = ids("hang", 12);
      expect(await postRoundRobin(nodes, posted)).toEqual(posted);
      const ownersOf = async () => {
        const rows: { owner: string; event: string }[] =
          await sql`SELECT lease_owner AS owner, event_id AS event FROM deliveries WHERE status = 'in_flight'`;
        return rows;
      };
      // A node whose attempts are open at the receiver, hanging there.
      const victim = await waitFor("a node with attempts hanging at the receiver", async () => {
        const rows = await ownersOf();
        const open = signed.receiver.requests.length;
        return open > 0 && open === rows.length ? nodes.find((n) => rows.some((r) => r.owner === nodeIdOf(n))) : undefined;
      });
      victim.proc.kill("SIGKILL");
      await victim.exited;
      const lost = new Set((await ownersOf()).filter((r) => r.owner === nodeIdOf(victim)).map((r) => r.event));
      expect(lost.size).toBeGreaterThan(0);
      release();
      await waitFor("every delivery recorded as delivered", async () => {
        // The tests before this one left their own events in the database.
        const [row] = await sql`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered' AND event_id LIKE 'hang-%'`;
        return row.n === posted.length;
      }, 60_000);
      expect([signed.ids.size, signed.refused()]).toEqual([posted.length, 0]);
      const sent = signed.receiver.requests.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id);
      const twice = new Set(sent.filter((id, i) => sent.indexOf(id) !== i));
      console.log(`kill under hanging attempts: ${lost.size} attempts of the killed node redone, ${twice.size} events delivered twice`);
      // Only what the killed node had in flight was sent again.
      expect([...twice].every((id) => lost.has(id))).toBe(true);
      expect(twice.size).toBe(lost.size);
    } finally {
      release();
      await sql.close();
      await stopAll(nodes, signed);
    }
  }, 120_000);
});
