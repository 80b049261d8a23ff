/**
 * @module cli/check-backlog
 * The part of `hookrelay check` that looks at the database: deliveries still
 * waiting for endpoints the config no longer has. The file is opened read-only
 * and only if it exists, so `check` never creates or changes anything.
 */
import { existsSync } from "node:fs";
import type { Config } from "../config/types";
import { openDatabaseReadOnly } from "../db/open";
import { backlogByEndpoint, type EndpointBacklog } from "../outbox/backlog-by-endpoint";

/** What the database says, or why it could not be read (which does not make the config invalid). */
export type BacklogReport =
  | { readonly kind: "none" }
  | { readonly kind: "read"; readonly removed: readonly EndpointBacklog[] }
  | { readonly kind: "unreadable"; readonly reason: string };

/** Backlogs of endpoint ids present in the database but absent from `config`. */
export function removedEndpointBacklog(config: Config): BacklogReport {
  if (!existsSync(config.storage.path)) return { kind: "none" };
  let db;
  try {
    db = openDatabaseReadOnly(config.storage.path);
  } catch (err) {
    return { kind: "unreadable", reason: describe(err) };
  }
  try {
    const configured = new Set(config.endpoints.map((e) => e.id));
    const removed = backlogByEndpoint(db).filter((b) => !configured.has(b.endpoint_id) && b.pending + b.held > 0);
    return { kind: "read", removed };
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
