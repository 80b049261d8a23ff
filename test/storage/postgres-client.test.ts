/**
 * Bun's built-in SQL client, the PostgreSQL client hookrelay uses, never hands
 * one caller another's rows or runs one caller's statement inside another's
 * transaction, however many callers share its pool. Every query asks for
 * values only it knows, and every answer is checked against them.
 *
 * Earlier Bun releases failed exactly this way: rows delivered to the wrong
 * query when simple and extended-protocol queries shared a connection
 * (oven-sh/bun #32772, #33627), pooled queries run inside a `begin()`
 * (#32004). postgres.js 3.4.9 sends a BEGIN that is the 100th query in a
 * connection's pipeline without reserving the connection (porsager/postgres
 * #1189), which the queue-depth case below catches.
 */
import { SQL } from "bun";
import { expect, it } from "bun:test";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";

const defer = deferCleanup();
const POOL = 10;
const PAD = "x".repeat(2_000);

class RolledBack extends Error {}

/** Runs `fn` in a transaction that is rolled back at the end; answers what `fn` returned. */
async function inRolledBack<T>(sql: SQL, fn: (tx: SQL) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await sql
    .begin(async (tx) => {
      result = await fn(tx);
      throw new RolledBack();
    })
    .catch((err) => {
      if (!(err instanceof RolledBack)) throw err;
    });
  return result as T;
}

describePostgres("Bun's SQL client under concurrency", (db) => {
  function pool(max = POOL): SQL {
    const sql = new SQL(db.url, { max });
    defer(() => sql.close());
    return sql;
  }

  it("gives each of thousands of concurrent queries its own row, never from inside a transaction", async () => {
    const sql = pool();
    // Five shapes on one pool: a prepared query, one with a 2 KB parameter
    // (more than one write), the simple protocol (no parameters), 50 texts
    // each new to a connection on first use (a Parse round trip first, the
    // trigger of #32772), and another column type.
    const ask = (n: number): Promise<boolean> => {
      switch (n % 5) {
        case 0:
          return sql`SELECT ${n}::int AS n, pg_current_xact_id_if_assigned()::text AS xid`.then(([r]) => r.n === n && r.xid === null);
        case 1:
          return sql`SELECT ${String(n)}::text AS s, ${PAD}::text AS pad, ${n}::int AS m`.then(([r]) => r.s === String(n) && r.m === n && r.pad === PAD);
        case 2:
          return sql.unsafe(`SELECT ${n}::int AS literal, pg_current_xact_id_if_assigned()::text AS xid`).then(([r]) => r.literal === n && r.xid === null);
        case 3:
          return sql.unsafe(`SELECT $1::int AS shape${n % 50}`, [n]).then(([r]) => r[`shape${n % 50}`] === n);
        default:
          return sql`SELECT ${n}::bigint + 0 AS big, pg_backend_pid() AS pid`.then(([r]) => BigInt(r.big) === BigInt(n));
      }
    };
    const answers = await Promise.all(Array.from({ length: 5_000 }, (_, n) => ask(n)));
    expect(answers.filter((ok) => !ok).length).toBe(0);
    const [{ connections }] = await sql`SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = current_database()`;
    expect(connections).toBeLessThanOrEqual(POOL);
  });

  it("keeps each concurrent transaction on one backend, seeing only its writes, and undoes only the ones rolled back", async () => {
    const sql = pool();
    await sql`CREATE TABLE owned (id serial PRIMARY KEY, owner int NOT NULL, kind text NOT NULL)`;
    const CALLERS = 1_500;
    const wrong: number[] = [];
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, n) => {
        if (n % 3 === 0) {
          const [row] = await sql`INSERT INTO owned (owner, kind) VALUES (${n}, 'plain') RETURNING owner`;
          if (row.owner !== n) wrong.push(n);
          return;
        }
        const body = async (tx: SQL) => {
          const [a] = await tx`INSERT INTO owned (owner, kind) VALUES (${n}, 'tx') RETURNING id, pg_backend_pid() AS pid, pg_current_xact_id()::text AS xid`;
          const [b] = await tx`SELECT owner, pg_backend_pid() AS pid, pg_current_xact_id()::text AS xid FROM owned WHERE id = ${a.id}`;
          const [c] = await tx`SELECT count(*)::int AS mine FROM owned WHERE owner = ${n}`;
          if (b?.owner !== n || b.pid !== a.pid || b.xid !== a.xid || c.mine !== 1) wrong.push(n);
        };
        await (n % 3 === 1 ? sql.begin(body) : inRolledBack(sql, body));
      }),
    );
    expect(wrong).toEqual([]);
    const kept = await sql`SELECT owner, kind FROM owned ORDER BY owner`;
    const expected = Array.from({ length: CALLERS }, (_, n) => n)
      .filter((n) => n % 3 !== 2)
      .map((n) => ({ owner: n, kind: n % 3 === 0 ? "plain" : "tx" }));
    expect(kept).toEqual(expected);
    const [{ open }] = await sql`SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
    expect(open).toBe(0);
  });

  it("keeps a transaction queued behind any number of queries apart from the statement queued after it", async () => {
    // One connection, so every query waits in that connection's queue: the
    // transaction starts at each depth from 0 to 150 in turn.
    const sql = pool(1);
    await sql`CREATE TABLE queued (depth int NOT NULL, kind text NOT NULL)`;
    for (let depth = 0; depth <= 150; depth++) {
      const ahead = Array.from({ length: depth }, (_, i) => sql`SELECT ${i}::int AS i`.then(([r]) => r.i === i));
      const tx = inRolledBack(sql, async (t) => {
        await t`INSERT INTO queued VALUES (${depth}, 'rolled back')`;
        return true;
      });
      const after = sql`INSERT INTO queued VALUES (${depth}, 'after') RETURNING depth`.then(([r]) => r.depth === depth);
      const answers: boolean[] = await Promise.all([...ahead, tx, after]);
      expect(answers).toEqual(Array(depth + 2).fill(true));
    }
    const rows = await sql`SELECT kind, count(*)::int AS n FROM queued GROUP BY kind`;
    expect(rows).toEqual([{ kind: "after", n: 151 }]);
  });

  it("hands each row to one claimer when many claim at once with FOR UPDATE SKIP LOCKED", async () => {
    const sql = pool();
    const JOBS = 5_000;
    await sql`CREATE TABLE jobs (id int PRIMARY KEY, claimed_by int)`;
    await sql`INSERT INTO jobs SELECT g, NULL FROM generate_series(1, ${JOBS}::int) g`;
    const claimedBy = new Map<number, number[]>();
    const wrong: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, me) => {
        for (;;) {
          const ids = await sql.begin(async (tx) => {
            const due = await tx`SELECT id FROM jobs WHERE claimed_by IS NULL ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED`;
            if (due.length === 0) return [];
            const want = due.map((r: { id: number }) => r.id);
            const taken = await tx`UPDATE jobs SET claimed_by = ${me} WHERE id = ANY(string_to_array(${want.join(",")}, ',')::int[]) RETURNING id, claimed_by`;
            const got = taken.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b);
            if (taken.some((r: { claimed_by: number }) => r.claimed_by !== me) || got.join() !== want.join()) wrong.push(me);
            return got;
          });
          if (ids.length === 0) return;
          for (const id of ids) claimedBy.set(id, [...(claimedBy.get(id) ?? []), me]);
        }
      }),
    );
    expect(wrong).toEqual([]);
    expect(claimedBy.size).toBe(JOBS);
    expect([...claimedBy.values()].filter((owners) => owners.length !== 1)).toEqual([]);
    const [{ unclaimed }] = await sql`SELECT count(*)::int AS unclaimed FROM jobs WHERE claimed_by IS NULL`;
    expect(unclaimed).toBe(0);
  });
});
