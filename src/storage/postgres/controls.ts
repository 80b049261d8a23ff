/**
 * @module storage/postgres/controls
 * Operator retries and cancels, one at a time or a page at a time; each
 * write re-checks the status it changes from, so a row another node moved
 * meanwhile is left alone.
 */
import type { SQL } from "bun";
import { CANCELLABLE, type ControlResult, type PageResult, RETRYABLE, type RetryTo } from "../../outbox/controls";
import type { DeliveryFilter } from "../../outbox/delivery-filter";
import type { ControlStore } from "../stores";
import { PG_EVENT_TENANT } from "./endpoint-states";
import { PostgresPages } from "./pages";

const inList = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(", ");

const FIND = `SELECT endpoint_id, status, ${PG_EVENT_TENANT} AS tenant FROM deliveries WHERE seq = $1`;
const RETRY = `UPDATE deliveries SET status = $1, next_attempt_at = $2, updated_at = $2 WHERE seq = $3 AND status IN (${inList(RETRYABLE)})`;
const CANCEL = `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = $1 WHERE seq = $2 AND status IN (${inList(CANCELLABLE)})`;

interface Target {
  seq: number;
  endpoint_id: string;
  tenant: string | null;
}

export class PostgresControls implements ControlStore {
  readonly #pages: PostgresPages<Target>;

  constructor(readonly sql: SQL) {
    this.#pages = new PostgresPages(sql, `seq, endpoint_id, ${PG_EVENT_TENANT} AS tenant`, "ASC", (r) => ({ ...(r as unknown as Target), seq: Number(r.seq) }));
  }

  async retry(seq: number, now: number, retryTo: RetryTo): Promise<ControlResult> {
    const [row] = await this.sql.unsafe(FIND, [seq]);
    if (!row) return "missing";
    const to = retryTo(row.endpoint_id, row.tenant);
    if (to === null) return "other_tenant";
    return (await this.sql.unsafe(RETRY, [to, now, seq])).count === 1 ? "done" : "wrong_state";
  }

  async cancel(seq: number, now: number): Promise<ControlResult> {
    if ((await this.sql.unsafe(CANCEL, [now, seq])).count === 1) return "done";
    return (await this.sql.unsafe(FIND, [seq])).length > 0 ? "wrong_state" : "missing";
  }

  retryPage(filter: DeliveryFilter, limit: number, now: number, retryTo: RetryTo): Promise<PageResult> {
    return this.#eachOfPage(filter, limit, async (tx, r) => {
      const to = retryTo(r.endpoint_id, r.tenant);
      return to !== null && (await tx.unsafe(RETRY, [to, now, r.seq])).count === 1;
    });
  }

  cancelPage(filter: DeliveryFilter, limit: number, now: number): Promise<PageResult> {
    return this.#eachOfPage(filter, limit, async (tx, r) => (await tx.unsafe(CANCEL, [now, r.seq])).count === 1);
  }

  /** Applies `change` to each row of one page, in one transaction. */
  #eachOfPage(filter: DeliveryFilter, limit: number, change: (tx: SQL, r: Target) => Promise<boolean>): Promise<PageResult> {
    return this.sql.begin(async (tx) => {
      const rows = await this.#pages.page(filter, limit, tx);
      const endpointIds = new Set<string>();
      let changed = 0;
      for (const r of rows) {
        if (!(await change(tx, r))) continue;
        changed++;
        endpointIds.add(r.endpoint_id);
      }
      return { changed, examined: rows.length, last: rows.at(-1)?.seq ?? null, endpointIds: [...endpointIds] };
    });
  }
}
