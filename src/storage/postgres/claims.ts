/**
 * @module storage/postgres/claims
 * Claims shared by every node on one database. A claim is one statement: a
 * CTE picks the due rows with FOR UPDATE SKIP LOCKED, so concurrent
 * claimers pass over each other's rows instead of waiting, and UPDATE …
 * RETURNING leases them (owner, expiry, a new token) and hands out what the
 * request needs. A row is re-checked as it is locked (pending, due), so a
 * row another node leased or finished meanwhile is never returned.
 *
 * An endpoint with max_in_flight or a rate limit claims inside a
 * transaction that first locks its endpoint_state row: claims of that
 * endpoint then take turns on every node, each counting the unexpired
 * leases and spending the token bucket kept on that row.
 *
 * A node renews the leases of its running attempts by their tokens, not by
 * owner alone: a row it leased whose attempt ended with no outcome recorded
 * (it threw before it was sent, or a drain's record of it failed) must run
 * out, so that the reaper hands it on; renewed by owner it would stay in
 * flight as long as the node runs.
 */
import type { SQL } from "bun";
import type { RateLimit } from "../../config/types";
import type { Claim, ClaimRequest, ClaimStore, HeldLease, LeasedDelivery, RoundClaim } from "../stores";
import { num, numOrNull } from "./rows";

const LEASED = `d.seq, d.endpoint_id, d.event_id, d.event_type, e.data, COALESCE(e.occurred_at, e.created_at) AS event_time,
  d.attempts, d.created_at, d.fifo_key, d.lease_owner, d.lease_token, d.lease_expires_at, d.next_attempt_at`;

const LEASE = `UPDATE deliveries d SET status = 'in_flight', updated_at = $2, lease_owner = $4, lease_expires_at = $5,
    lease_token = d.lease_token + 1
  FROM picked, events e WHERE d.seq = picked.seq AND e.id = d.event_id
  RETURNING ${LEASED}`;

/**
 * The heads of an endpoint's FIFO keys: a key whose head is not due yields
 * nothing, and so does a key with any row in flight, so that an older row
 * retried by hand while the head runs waits for it (one attempt per key at a time).
 */
const FIFO_HEADS = `SELECT MIN(seq) FROM deliveries
  WHERE endpoint_id = $1 AND fifo_key IS NOT NULL AND status IN ('pending', 'in_flight') GROUP BY fifo_key
  HAVING bool_and(status = 'pending')`;

/** When the endpoint is due next: its earliest pending row (for FIFO, key head), due or not. */
const NEXT_DUE = {
  due: "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE endpoint_id = $1 AND status = 'pending'",
  fifo: `SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE seq IN (${FIFO_HEADS}) AND status = 'pending'`,
};

/**
 * Leases the rows `picked` selects and answers them, each beside the time
 * the endpoint is due next once they are taken (one row, its lease columns
 * null, when none was taken), as SQLite's claim reads one row past its
 * limit: a round learns it without a second statement. The statement's
 * snapshot still sees the picked rows pending, so they are left out by seq;
 * rows other nodes hold locked count as due, which they are.
 */
const claim = (picked: string, next: string) => `WITH picked AS (${picked}), leased AS (${LEASE})
  SELECT leased.*, rest.at AS next_due FROM (${next} AND seq NOT IN (SELECT seq FROM picked)) rest LEFT JOIN leased ON true`;

/**
 * Counts the endpoint's unexpired leases against its max_in_flight ($3);
 * when they fill it, the claim leases nothing and this says when the
 * endpoint is due next, so the round needs no statement more.
 */
const inFlight = (next: string) => `SELECT c.n, CASE WHEN c.n >= $3 THEN (${next}) END AS at
  FROM (SELECT count(*) AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'in_flight' AND lease_expires_at > $2) c`;

/** Parameters: endpoint, now, limit, owner, expiry. */
export const PG_CLAIM_SQL = {
  due: claim(
    `SELECT seq FROM deliveries WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at <= $2
      ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
    NEXT_DUE.due,
  ),
  fifo: claim(
    `SELECT seq FROM deliveries WHERE seq IN (${FIFO_HEADS}) AND status = 'pending' AND next_attempt_at <= $2
      ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
    NEXT_DUE.fifo,
  ),
  nextDue: NEXT_DUE.due,
  fifoNextDue: NEXT_DUE.fifo,
  dueEndpoints: `WITH RECURSIVE due(id) AS (
      SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending'
      UNION ALL
      SELECT (SELECT MIN(endpoint_id) FROM deliveries WHERE status = 'pending' AND endpoint_id > due.id) FROM due WHERE due.id IS NOT NULL
    )
    SELECT id, (SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending' AND endpoint_id = due.id) AS at
    FROM due WHERE id IS NOT NULL ORDER BY id`,
  reap: `UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
    WHERE seq IN (SELECT seq FROM deliveries WHERE status = 'in_flight' AND lease_expires_at <= $1 FOR UPDATE SKIP LOCKED)`,
  releaseOwn: `UPDATE deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
    WHERE status = 'in_flight' AND lease_owner = $2`,
  // Parameters: expiry, seqs, their tokens (both as array literals), owner. A row reaped meanwhile is pending, and
  // one leased again carries another token: neither matches. The reaper skips a row this holds locked, and one
  // it holds makes this read the row again once it is pending.
  renew: `UPDATE deliveries d SET lease_expires_at = $1
    FROM unnest($2::bigint[], $3::bigint[]) AS held(seq, token)
    WHERE d.seq = held.seq AND d.lease_token = held.token AND d.status = 'in_flight' AND d.lease_owner = $4`,
  // Creates the row if need be and locks it: the turn of this endpoint's claims. Only
  // endpoints with a limit take it, so claims of the others never wait on each other.
  lockEndpoint: `INSERT INTO endpoint_state (endpoint_id) VALUES ($1)
    ON CONFLICT (endpoint_id) DO UPDATE SET endpoint_id = excluded.endpoint_id RETURNING rate_tokens, rate_at`,
  // Parameters: endpoint, now, max_in_flight.
  inFlight: inFlight(NEXT_DUE.due),
  fifoInFlight: inFlight(NEXT_DUE.fifo),
  spend: "UPDATE endpoint_state SET rate_tokens = $2, rate_at = $3 WHERE endpoint_id = $1",
} as const;

export class PostgresClaims implements ClaimStore {
  constructor(
    readonly sql: SQL,
    readonly owner: string,
    readonly leaseMs: number,
  ) {}

  async claim(r: ClaimRequest, now: number): Promise<Claim> {
    return this.#claim(r, now);
  }

  /** One statement per request, in order: the round needs each one's rows to know the room left for the next. */
  async claimEach(requests: readonly ClaimRequest[], free: number, now: number): Promise<RoundClaim[]> {
    const claims: RoundClaim[] = [];
    let taken = 0;
    for (const r of requests) {
      const asked = Math.max(0, Math.min(r.limit, free - taken));
      const claim = asked > 0 ? await this.#claim({ ...r, limit: asked }, now) : { leased: [], next: undefined };
      taken += claim.leased.length;
      claims.push({ ...claim, asked });
    }
    return claims;
  }

  async #claim(r: ClaimRequest, now: number): Promise<Claim> {
    if (r.limit <= 0) return { leased: [], next: undefined };
    if (r.maxInFlight === null && r.rateLimit === null) return this.#lease(this.sql, r, r.limit, now);
    return this.sql.begin(async (tx) => {
      const [state] = await tx.unsafe(PG_CLAIM_SQL.lockEndpoint, [r.endpointId]);
      let limit = r.limit;
      if (r.maxInFlight !== null) {
        const [held] = await tx.unsafe(r.fifo ? PG_CLAIM_SQL.fifoInFlight : PG_CLAIM_SQL.inFlight, [r.endpointId, now, r.maxInFlight]);
        limit = Math.min(limit, r.maxInFlight - num(held.n));
        if (limit <= 0) return { leased: [], next: numOrNull(held.at) };
      }
      const tokens = r.rateLimit === null ? null : refill(r.rateLimit, state.rate_tokens, numOrNull(state.rate_at), now);
      if (tokens !== null) limit = Math.min(limit, Math.floor(tokens));
      if (limit <= 0) return { leased: [], next: undefined };
      const claim = await this.#lease(tx, r, limit, now);
      if (tokens !== null) await tx.unsafe(PG_CLAIM_SQL.spend, [r.endpointId, tokens - claim.leased.length, now]);
      return claim;
    });
  }

  async #lease(sql: SQL, r: ClaimRequest, limit: number, now: number): Promise<Claim> {
    const rows = (await sql.unsafe(r.fifo ? PG_CLAIM_SQL.fifo : PG_CLAIM_SQL.due, [r.endpointId, now, limit, this.owner, now + this.leaseMs])) as Record<string, unknown>[];
    const leased = rows.filter((row) => row.seq !== null).map(toLeased);
    // RETURNING keeps no order: due order, ties (and FIFO) in seq order.
    leased.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    return { leased: leased.map(({ dueAt: _, ...d }) => d), next: numOrNull(rows[0]!.next_due) };
  }

  async nextDueAt(endpointId: string, fifo: boolean): Promise<number | null> {
    const [row] = await this.sql.unsafe(fifo ? PG_CLAIM_SQL.fifoNextDue : PG_CLAIM_SQL.nextDue, [endpointId]);
    return numOrNull(row.at);
  }

  async dueEndpoints(): Promise<{ id: string; at: number }[]> {
    const rows = await this.sql.unsafe(PG_CLAIM_SQL.dueEndpoints);
    return (rows as { id: string; at: string }[]).map((r) => ({ id: r.id, at: num(r.at) }));
  }

  async reapExpired(now: number): Promise<number> {
    return (await this.sql.unsafe(PG_CLAIM_SQL.reap, [now])).count;
  }

  async releaseOwn(now: number): Promise<number> {
    return (await this.sql.unsafe(PG_CLAIM_SQL.releaseOwn, [now, this.owner])).count;
  }

  async renew(held: readonly HeldLease[], now: number): Promise<number> {
    if (held.length === 0) return 0;
    const seqs = `{${held.map((h) => h.seq).join(",")}}`;
    const tokens = `{${held.map((h) => h.token).join(",")}}`;
    return (await this.sql.unsafe(PG_CLAIM_SQL.renew, [now + this.leaseMs, seqs, tokens, this.owner])).count;
  }
}

/** Tokens in the bucket at `now`: full when never used, refilled at count per perMs up to count. */
function refill(limit: RateLimit, tokens: number | null, at: number | null, now: number): number {
  if (tokens === null || at === null) return limit.count;
  return Math.min(limit.count, tokens + (Math.max(0, now - at) * limit.count) / limit.perMs);
}

function toLeased(r: Record<string, unknown>): LeasedDelivery & { dueAt: number } {
  return {
    seq: num(r.seq),
    endpointId: r.endpoint_id as string,
    eventId: r.event_id as string,
    eventType: r.event_type as string,
    eventData: r.data as string,
    eventTime: num(r.event_time),
    attempts: num(r.attempts),
    createdAt: num(r.created_at),
    fifoKey: r.fifo_key as string | null,
    lease: { owner: r.lease_owner as string, token: num(r.lease_token), expiresAt: num(r.lease_expires_at) },
    dueAt: num(r.next_attempt_at),
  };
}
