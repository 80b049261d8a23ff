/**
 * @module cli/check-database
 * The part of `hookrelay check` that holds a valid config against the
 * database: deliveries still waiting for endpoints the config no longer has,
 * and endpoint ids of the config that the endpoint API has taken (which
 * serve would refuse). The SQLite file is opened read-only and only if it
 * exists; PostgreSQL is read with --connect only, once it answered, and only
 * if it has a schema. `check` never creates or changes anything.
 */
import { existsSync } from "node:fs";
import type { Config } from "../config/types";
import { openDatabaseReadOnly } from "../db/open";
import { apiEndpointIdsAmong } from "../outbox/api-endpoint-ids";
import { backlogByEndpoint, type EndpointBacklog } from "../outbox/backlog-by-endpoint";
import { postgresStorage } from "../storage/postgres/storage";
import type { Storage } from "../storage/stores";

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
export async function readDatabase(config: Config): Promise<DatabaseReport> {
  if (!existsSync(config.storage.path)) return { kind: "none" };
  let db;
  try {
    db = openDatabaseReadOnly(config.storage.path);
  } catch (err) {
    return { kind: "unreadable", reason: describe(err) };
  }
  try {
    const sqlite = db;
    return await holdAgainst(config, { byEndpoint: async () => backlogByEndpoint(sqlite), idsAmong: async (ids) => apiEndpointIdsAmong(sqlite, ids) });
  } catch (err) {
    // A database no daemon has started on yet has no tables: nothing can be waiting.
    if (/no such table/.test(describe(err))) return { kind: "none" };
    return { kind: "unreadable", reason: describe(err) };
  } finally {
    db.close();
  }
}

/** The same report from the PostgreSQL database of the config, which has answered `check --connect`. */
export async function readPostgresDatabase(config: Config): Promise<DatabaseReport> {
  const storage = postgresStorage({ url: config.storage.url!.reveal(), pool: 1, nodeId: "check", leaseMs: config.storage.leaseMs });
  try {
    if ((await storage.migrations.schemaVersion()) === 0) return { kind: "none" };
    return await holdAgainst(config, { byEndpoint: () => storage.backlog.byEndpoint(), idsAmong: (ids) => storage.apiEndpoints.idsAmong(ids) });
  } catch (err) {
    return { kind: "unreadable", reason: describe(err) };
  } finally {
    await storage.close();
  }
}

/** What check needs of a database, on either driver. */
interface Readable {
  byEndpoint: Storage["backlog"]["byEndpoint"];
  idsAmong: Storage["apiEndpoints"]["idsAmong"];
}

async function holdAgainst(config: Config, db: Readable): Promise<DatabaseReport> {
  const configured = config.endpoints.map((e) => e.id);
  const known = new Set(configured);
  const waiting = (await db.byEndpoint()).filter((b) => !known.has(b.endpoint_id) && b.pending + b.held > 0);
  const api = await db.idsAmong(waiting.map((b) => b.endpoint_id));
  return { kind: "read", removed: waiting.filter((b) => !api.has(b.endpoint_id)), taken: await db.idsAmong(configured) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
