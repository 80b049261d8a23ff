/**
 * @module cli/check-database
 * The part of `hookrelay check` that holds a valid config against the
 * database: deliveries still waiting for endpoints the config no longer has,
 * and endpoint ids of the config that the endpoint API has taken (which
 * serve would refuse). The file is opened read-only and only if it exists,
 * so `check` never creates or changes anything.
 */
import { existsSync } from "node:fs";
import type { Config } from "../config/types";
import { openDatabaseReadOnly } from "../db/open";
import { apiEndpointIdsAmong } from "../outbox/api-endpoint-ids";
import { backlogByEndpoint, type EndpointBacklog } from "../outbox/backlog-by-endpoint";

/** What the database says, or why it could not be read (which does not make the config invalid). */
export type DatabaseReport =
  | { readonly kind: "none" }
  | {
      readonly kind: "read";
      /** Backlogs of ids neither the config nor the endpoint API has: endpoints removed from the config. */
      readonly removed: readonly EndpointBacklog[];
      /** Ids the config declares that belong, or belonged, to endpoints created over the API. */
      readonly taken: ReadonlySet<string>;
    }
  | { readonly kind: "unreadable"; readonly reason: string };

/** Reads what `check` reports about `config` from its database, if there is one. */
export function readDatabase(config: Config): DatabaseReport {
  if (!existsSync(config.storage.path)) return { kind: "none" };
  let db;
  try {
    db = openDatabaseReadOnly(config.storage.path);
  } catch (err) {
    return { kind: "unreadable", reason: describe(err) };
  }
  try {
    const configured = config.endpoints.map((e) => e.id);
    const known = new Set(configured);
    const waiting = backlogByEndpoint(db).filter((b) => !known.has(b.endpoint_id) && b.pending + b.held > 0);
    const api = apiEndpointIdsAmong(db, waiting.map((b) => b.endpoint_id));
    return { kind: "read", removed: waiting.filter((b) => !api.has(b.endpoint_id)), taken: apiEndpointIdsAmong(db, configured) };
  } catch (err) {
    // A database no daemon has started on yet has no tables: nothing can be waiting.
    if (/no such table/.test(describe(err))) return { kind: "none" };
    return { kind: "unreadable", reason: describe(err) };
  } finally {
    db.close();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
