/**
 * @module endpoints/api-document
 * The document of an endpoint created over the API, between the request and
 * the registry: the keys that are stored (everything but id, tenant and
 * secrets), JSON merge patch (RFC 7396) for edits, and the resolved
 * EndpointConfig a stored row stands for under the config's current
 * `defaults:`. Pure, apart from the secrets, which are opened lazily.
 */
import { resolveEndpoint, type SharedSettings } from "../config/resolve";
import type { RawEndpoint, RawPolicy } from "../config/schema";
import type { EndpointConfig, PreviousSecret } from "../config/types";
import { sealedSecretsOf, type ApiEndpointRow } from "../outbox/api-endpoint-store";
import type { Sealer } from "../sealing/sealer";
import { Secret } from "../signing/secret";
import type { ApiDetails } from "./registry";

export type Document = Readonly<Record<string, unknown>>;

/** Keys that are not part of the stored document: the row has columns for them. */
export const ROW_KEYS = ["id", "tenant", "secret", "secrets"] as const;

/** The stored part of a create body. */
export function storedPart(body: Document): Document {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !(ROW_KEYS as readonly string[]).includes(k)));
}

/** RFC 7396: a key replaces, `null` removes (restoring the default), objects merge key by key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The endpoint a stored row stands for, resolved with the config's `defaults:`; secrets open on first use. */
export function resolveRow(
  row: ApiEndpointRow,
  defaults: RawPolicy,
  sealer: Sealer,
  shared?: SharedSettings,
): { config: EndpointConfig; details: ApiDetails } {
  const doc = JSON.parse(row.document) as Document;
  const sealed = sealedSecretsOf(row);
  const secrets = sealed.current.map((s) => Secret.sealed(s, sealer));
  const previous: PreviousSecret | null =
    sealed.previous !== null && sealed.previousExpiresAt !== null
      ? { secret: Secret.sealed(sealed.previous, sealer), expiresAt: sealed.previousExpiresAt }
      : null;
  const raw = { ...doc, id: row.id, ...(row.tenant === null ? {} : { tenant: row.tenant }) } as RawEndpoint;
  const config = resolveEndpoint(raw, defaults, secrets, previous, shared);
  return {
    config,
    details: { createdAt: row.created_at, updatedAt: row.updated_at },
  };
}
