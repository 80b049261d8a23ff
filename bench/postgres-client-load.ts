/**
 * @module bench/postgres-client-load
 * One PostgreSQL client under one workload, in a process of its own; prints
 * one JSON line. Run by bench/postgres-clients.ts with
 * `{client, workload, url, seconds}`.
 */
import postgres from "postgres";
import { Recorder } from "./stats";

type Row = Record<string, unknown>;
interface Sql {
  (strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]>;
  begin<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  end(options?: { timeout?: number }): Promise<void>;
}

export type ClientName = "bun-sql" | "postgres";
export type Workload = "latency" | "throughput" | "claims";

export interface LoadArgs {
  readonly client: ClientName;
  readonly workload: Workload;
  readonly url: string;
  readonly seconds: number;
}

export interface LoadResult {
  readonly perSecond: number;
  /** Percentiles of one call (a query, or a whole claim transaction), in microseconds. */
  readonly p50Us: number;
  readonly p99Us: number;
}

/** The pool size of the PostgreSQL storage's example config. */
export const POOL = 10;
/** Concurrent callers in the throughput and claims workloads: many more than connections. */
export const CALLERS = 100;
/** Rows one claim takes. */
export const CLAIM_BATCH = 10;
const WARMUP_MS = 500;

function connect(client: ClientName, url: string): Sql {
  return (client === "bun-sql" ? new Bun.SQL(url, { max: POOL }) : postgres(url, { max: POOL })) as unknown as Sql;
}

/** BEGIN, SELECT … FOR UPDATE SKIP LOCKED, UPDATE … RETURNING, COMMIT: four round trips on one connection. */
async function claim(sql: Sql, me: number): Promise<void> {
  await sql.begin(async (tx) => {
    const due = await tx`SELECT id FROM jobs WHERE due_at <= now() ORDER BY due_at LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED`;
    const ids = due.map((r) => r.id).join(",");
    const leased = await tx`UPDATE jobs SET due_at = now() + interval '1 second', owner = ${me}
      WHERE id = ANY(string_to_array(${ids}, ',')::int[]) RETURNING id`;
    if (leased.length !== due.length) throw new Error(`leased ${leased.length} of ${due.length}`);
  });
}

async function measure(args: LoadArgs): Promise<LoadResult> {
  const sql = connect(args.client, args.url);
  const callers = args.workload === "latency" ? 1 : CALLERS;
  const op = args.workload === "claims" ? (me: number) => claim(sql, me) : (me: number) => sql`SELECT ${me}::int AS n`;
  const recorder = new Recorder(4_000_000);
  const measureFrom = performance.now() + WARMUP_MS;
  const end = measureFrom + args.seconds * 1000;
  await Promise.all(
    Array.from({ length: callers }, async (_, me) => {
      for (let t = performance.now(); t < end; ) {
        await op(me);
        const now = performance.now();
        if (t >= measureFrom) recorder.add((now - t) * 1000);
        t = now;
      }
    }),
  );
  await sql.end({ timeout: 5 });
  const { n, p50, p99 } = recorder.summary();
  return { perSecond: Math.round(n / args.seconds), p50Us: p50, p99Us: p99 };
}

if (import.meta.main) console.log(JSON.stringify(await measure(JSON.parse(process.argv[2]!) as LoadArgs)));
