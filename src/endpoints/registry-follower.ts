/**
 * @module endpoints/registry-follower
 * Keeps a node's endpoint registry in step with the database it shares
 * with other nodes. It reads the registry feed (stores.ts RegistryFeed)
 * past the last revision it applied, a page at a time in revision order,
 * and applies each row as the writing node applied it: API endpoints
 * registered, edited or deleted, endpoint states taken over with the
 * deliveries they imply moved. It reads when any node's write commits (a
 * NOTIFY), and every `backstopMs` in case a wake-up was lost. Its own node's
 * writes come back too and change nothing; a row read while this node was
 * writing the same endpoint waits, with the rows after it, to be read again
 * once that write has ended.
 */
import type { Clock } from "../clock";
import type { Logger } from "../log";
import type { ApiEndpointRow } from "../outbox/api-endpoint-store";
import type { RegistryChange, RegistryFeed } from "../storage/stores";
import type { EndpointRegistry } from "./registry";

/** Rows read per round trip. */
const PAGE = 500;

export interface RegistryFollowerDeps {
  readonly feed: RegistryFeed;
  readonly registry: EndpointRegistry;
  /** Applies an API endpoint's row (ApiEndpoints.follow). */
  readonly applyApi: (row: ApiEndpointRow, now: number) => Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Counts a catch-up that failed (hookrelay_job_errors_total{job="registry_follow"}). */
  readonly failed: () => void;
  readonly backstopMs: number;
}

export interface RegistryFollower {
  /** Reads the feed now and applies what it finds; resolves once it is caught up (or failed, to try again later). */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

/** Follows the feed from `after`: a revision read before the registry was loaded, so nothing written meanwhile is missed. */
export async function followRegistry(deps: RegistryFollowerDeps, after: number): Promise<RegistryFollower> {
  const writes = deps.registry.writes;
  let applied = after;
  let running: Promise<void> | null = null;
  let again = false;
  let failing = false;
  const pages = async () => {
    for (;;) {
      const mark = writes.mark();
      const changes = await deps.feed.changes(applied, PAGE);
      for (const change of changes) {
        // Read, perhaps, before this node's own write of it committed: read again once that write has ended (it wakes us).
        if (writes.since(idOf(change), mark)) return;
        await apply(change);
        applied = change.revision;
      }
      writes.settledAt(mark);
      if (changes.length < PAGE) return;
    }
  };
  const apply = (change: RegistryChange) => {
    const now = deps.clock.now();
    return change.kind === "api" ? deps.applyApi(change.row, now) : deps.registry.followState(change.id, change.state, now);
  };
  // One catch-up at a time; a wake-up during one makes it read once more.
  const drain = async () => {
    while (again) {
      again = false;
      try {
        await pages();
        if (failing) deps.log.info("following the endpoint registry again", { revision: applied });
        failing = false;
      } catch (err) {
        deps.failed();
        if (!failing) deps.log.error("reading the endpoint registry's changes failed; trying again", { revision: applied, error: err instanceof Error ? err.message : String(err) });
        failing = true;
        return;
      }
    }
  };
  const catchUp = () => {
    again = true;
    running ??= drain().finally(() => (running = null));
    return running;
  };

  writes.track(() => void catchUp());
  const unlisten = await deps.feed.listen(() => void catchUp());
  const timer = setInterval(() => void catchUp(), deps.backstopMs);
  await catchUp();
  return {
    catchUp,
    async stop() {
      clearInterval(timer);
      await unlisten();
      await running;
    },
  };
}

function idOf(change: RegistryChange): string {
  return change.kind === "api" ? change.row.id : change.id;
}
