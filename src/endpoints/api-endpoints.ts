/**
 * @module endpoints/api-endpoints
 * Endpoints created over the endpoint API (interface.md §9): create, edit,
 * delete and rotate-secret, each checked in full before anything is stored,
 * then stored, then registered. The document is checked by
 * the same schema and checks as the config file's endpoints
 * (config/endpoint-document.ts); secrets are sealed before they reach the
 * database and are shown once, in the answer that creates or rotates them.
 */
import { createHash, randomBytes } from "node:crypto";
import { parseDuration } from "../config/duration";
import { SharedSettings } from "../config/resolve";
import { checkEndpointDocument, type FieldProblem } from "../config/endpoint-document";
import type { RawPolicy } from "../config/schema";
import { HttpError } from "../http/errors";
import { parseIp } from "../net/ip";
import type { AddressPolicy } from "../net/policy";
import type { ApiEndpointRow, SealedSecrets } from "../outbox/api-endpoint-store";
import { randomId } from "../random-id";
import type { Sealer } from "../sealing/sealer";
import { inScope, type Scope } from "../scope";
import type { ApiEndpointStore, EndpointCreateStore } from "../storage/stores";
import { type Document, mergePatch, resolveRow, ROW_KEYS, storedPart } from "./api-document";
import type { EndpointRegistry, RegisteredEndpoint } from "./registry";

/** What the running config says about endpoints created over the API. */
export interface ApiSettings {
  readonly defaults: RawPolicy;
  readonly concurrency: number;
  readonly maxPerTenant: number;
  readonly requireHttps: boolean;
  readonly policy: AddressPolicy;
}

export interface ApiEndpointsDeps {
  readonly registry: EndpointRegistry;
  readonly store: ApiEndpointStore;
  readonly creates: EndpointCreateStore;
  readonly sealer: Sealer;
  readonly settings: () => ApiSettings;
}

/** How long a create's Idempotency-Key answers the same (interface.md §9). */
const IDEMPOTENCY_MS = 24 * 3_600_000;
/** A rotation's default and longest grace. */
const DEFAULT_GRACE_MS = 24 * 3_600_000;
const MAX_GRACE_MS = 7 * 86_400_000;
/** Random bytes in a generated secret: 192 bits, as Standard Webhooks' own libraries generate. */
const SECRET_BYTES = 24;

export interface Created {
  readonly status: 200 | 201;
  readonly body: Record<string, unknown>;
}

export interface Rotated {
  readonly secret: string;
  readonly previousExpiresAt: number;
}

export class ApiEndpoints {
  readonly #deps: ApiEndpointsDeps;

  constructor(deps: ApiEndpointsDeps) {
    this.#deps = deps;
  }

  /**
   * Registers every stored endpoint (start-up, or a reload that changed
   * `defaults:`), and seals again under the newest key the secrets sealed
   * under an older one (`encryption_keys: [new, old]`).
   */
  async load(now: number): Promise<void> {
    const { registry, store, sealer } = this.#deps;
    const defaults = this.#deps.settings().defaults;
    const entries: ReturnType<typeof resolveRow>[] = [];
    const shared = new SharedSettings();
    const stale: ApiEndpointRow[] = [];
    for await (const row of store.each()) {
      if (row.deleted_at !== null) {
        registry.rememberDeleted(row.id, row.tenant);
        continue;
      }
      const sealed = JSON.parse(row.secrets) as string[];
      if (sealed.some((s) => sealer.isStale(s)) || (row.previous_secret !== null && sealer.isStale(row.previous_secret))) stale.push(row);
      entries.push(resolveRow(row, defaults, sealer, shared));
    }
    // Resealed after the walk, not during it: the walk reads the table being written.
    for (const row of stale) await this.#reseal(row);
    await registry.loadApi(entries, now);
  }

  /** Applies a row another node wrote (registry-follower.ts): registered, edited or deleted here as there. */
  async follow(row: ApiEndpointRow, now: number): Promise<void> {
    const { registry } = this.#deps;
    if (row.deleted_at !== null) return registry.followDeleted(row.id, row.tenant, now);
    const { config, details } = resolveRow(row, this.#deps.settings().defaults, this.#deps.sealer);
    await registry.followApi(config, details);
  }

  /** Seals a row's secrets again under the newest key; they open as before. */
  async #reseal(row: ApiEndpointRow): Promise<void> {
    const { sealer, store } = this.#deps;
    const reseal = (s: string) => sealer.seal(sealer.open(s));
    const fresh: SealedSecrets = {
      current: (JSON.parse(row.secrets) as string[]).map(reseal),
      previous: row.previous_secret === null ? null : reseal(row.previous_secret),
      previousExpiresAt: row.previous_expires_at,
    };
    await store.updateSecrets(row.id, fresh, row.updated_at);
  }

  /**
   * `POST /v1/endpoints`. `render` builds the Endpoint answer, which an
   * Idempotency-Key's repeats answer as stored.
   */
  async create(body: Document, scope: Scope, idempotencyKey: string | null, now: number, render: (e: RegisteredEndpoint) => Record<string, unknown>): Promise<Created> {
    const { store, creates, sealer, registry } = this.#deps;
    const scopeKey = scope.kind === "tenant" ? scope.tenant : "";
    const bodyHash = hashOf(body);
    if (idempotencyKey !== null) {
      const earlier = await creates.find(scopeKey, idempotencyKey, now - IDEMPOTENCY_MS);
      if (earlier) return repeated(earlier.body_hash, bodyHash, sealer.open(earlier.answer));
    }
    const tenant = tenantFor(body, scope);
    const id = typeof body.id === "string" ? body.id : randomId("ep_", 24);
    const secrets = secretsOf(body) ?? [generateSecret()];
    const stored = storedPart(body);
    this.#check({ ...stored, id, ...(tenant === null ? {} : { tenant }), secrets }, null);
    if (registry.isTaken(id)) throw new HttpError(409, "id_taken", `endpoint id "${id}" is in use or was used before; ids are never reused`);
    const settings = this.#deps.settings();
    if ((await store.countLive(tenant)) >= settings.maxPerTenant) {
      const whose = tenant === null ? "endpoints without a tenant" : `tenant "${tenant}"`;
      throw new HttpError(422, "limit_reached", `${whose} already has ${settings.maxPerTenant} endpoints (endpoint_api.max_per_tenant)`);
    }
    const document = JSON.stringify(stored);
    const sealed = secrets.map((s) => sealer.seal(s));
    const row: ApiEndpointRow = {
      id,
      tenant,
      document,
      secrets: JSON.stringify(sealed),
      previous_secret: null,
      previous_expires_at: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await this.#register(row, now, () => store.insert(id, tenant, document, sealed, now));
    const answer = { ...render(registry.get(id)!), secret: secrets[0] };
    if (idempotencyKey !== null) await creates.insert(scopeKey, idempotencyKey, bodyHash, sealer.seal(JSON.stringify(answer)), now);
    return { status: 201, body: answer };
  }

  /** `PATCH /v1/endpoints/:id`: a JSON merge patch of the stored document. */
  async update(id: string, patch: Document, scope: Scope, now: number): Promise<RegisteredEndpoint> {
    const entry = this.#editable(id, scope);
    const fixed = ROW_KEYS.filter((k) => k in patch);
    if (fixed.length > 0) {
      const problems = fixed.map((k) => ({ field: `/${k}`, message: k === "id" || k === "tenant" ? `${k} cannot be changed` : "use rotate-secret to change the secret" }));
      throw invalid(problems);
    }
    const row = (await this.#deps.store.get(id))!;
    const merged = mergePatch(JSON.parse(row.document), patch) as Document;
    const secrets = entry.config.secrets.map((s) => s.reveal());
    this.#check({ ...merged, id, ...(row.tenant === null ? {} : { tenant: row.tenant }), secrets }, entry.config.url);
    const document = JSON.stringify(merged);
    await this.#register({ ...row, document, updated_at: now }, now, () => this.#deps.store.updateDocument(id, document, now));
    return this.#deps.registry.get(id)!;
  }

  /** `DELETE /v1/endpoints/:id`. */
  async remove(id: string, scope: Scope, now: number): Promise<void> {
    this.#editable(id, scope);
    await this.#deps.registry.deleteApi(id, now, () => this.#deps.store.markDeleted(id, now));
  }

  /** `POST /v1/endpoints/:id/rotate-secret`: the new secret signs from now on, the previous one until its grace ends. */
  async rotate(id: string, input: { secret?: string | undefined; grace?: string | undefined }, scope: Scope, now: number): Promise<Rotated> {
    const entry = this.#editable(id, scope);
    const graceMs = input.grace === undefined ? DEFAULT_GRACE_MS : parseDuration(input.grace);
    if (graceMs === null || graceMs > MAX_GRACE_MS) {
      throw invalid([{ field: "/grace", message: "expected a duration from 0s to 7d, like 24h" }]);
    }
    const secret = input.secret ?? generateSecret();
    const row = (await this.#deps.store.get(id))!;
    const problems = checkEndpointDocument(
      { ...JSON.parse(row.document), id, ...(row.tenant === null ? {} : { tenant: row.tenant }), secret },
      this.#context(),
    );
    if (!problems.ok) throw invalid(problems.problems);
    const { sealer } = this.#deps;
    // Rotating again during a grace drops the older previous secret: only the one being replaced keeps signing.
    const current = JSON.parse(row.secrets) as string[];
    const expiresAt = now + graceMs;
    const sealed: SealedSecrets = {
      current: [sealer.seal(secret)],
      previous: graceMs === 0 || entry.config.secrets.length === 0 ? null : current[0]!,
      previousExpiresAt: graceMs === 0 ? null : expiresAt,
    };
    const rotated = { ...row, secrets: JSON.stringify(sealed.current), previous_secret: sealed.previous, previous_expires_at: sealed.previousExpiresAt, updated_at: now };
    await this.#register(rotated, now, () => this.#deps.store.updateSecrets(id, sealed, now));
    return { secret, previousExpiresAt: expiresAt };
  }

  async #register(row: ApiEndpointRow, now: number, persist: () => Promise<unknown>): Promise<void> {
    const { config, details } = resolveRow(row, this.#deps.settings().defaults, this.#deps.sealer);
    await this.#deps.registry.putApi(config, details, now, persist);
  }

  /** The API endpoint `id` as the caller may change it: 404 outside its scope, 409 for the config's own. */
  #editable(id: string, scope: Scope): RegisteredEndpoint {
    const entry = this.#deps.registry.get(id);
    if (!entry || !inScope(scope, entry.config.tenant)) throw new HttpError(404, "not_found", `no endpoint with id "${id}"`);
    if (entry.source === "config") {
      throw new HttpError(409, "managed_by_config", `endpoint "${id}" comes from the config file; change it there (enable, disable and test work here)`);
    }
    return entry;
  }

  /** Checks a whole document as the config file's endpoints are checked, then what only the API refuses. */
  #check(doc: Document, previousUrl: string | null): void {
    const result = checkEndpointDocument(doc, this.#context());
    if (!result.ok) throw invalid(result.problems);
    const url = result.endpoint.url;
    if (url === previousUrl) return;
    const settings = this.#deps.settings();
    const parsed = new URL(url);
    if (settings.requireHttps && parsed.protocol !== "https:") {
      throw new HttpError(422, "https_required", "endpoint_api.require_https is set: the URL must start with https://", [{ field: "/url", message: "expected an https URL" }]);
    }
    // A literal address is judged now; a host name is resolved and checked at every connection (§6).
    const ip = parseIp(parsed.hostname);
    const refusal = ip && settings.policy.refuse(ip);
    if (refusal) {
      throw new HttpError(422, "address_not_allowed", `the URL's host ${parsed.hostname} is ${refusal}`, [{ field: "/url", message: "address not allowed" }]);
    }
  }

  #context() {
    const s = this.#deps.settings();
    return { defaults: s.defaults, concurrency: s.concurrency };
  }
}

/** The tenant a create gets: the session's own for a tenant token (another is 403), else the body's. */
function tenantFor(body: Document, scope: Scope): string | null {
  const given = typeof body.tenant === "string" ? body.tenant : null;
  if (scope.kind === "all") return given;
  if (given !== null && given !== scope.tenant) throw new HttpError(403, "forbidden", "a portal session creates endpoints of its own tenant only");
  return scope.tenant;
}

function secretsOf(body: Document): string[] | null {
  if (typeof body.secret === "string") return [body.secret];
  return Array.isArray(body.secrets) ? (body.secrets as string[]) : null;
}

/** `whsec_` and base64 of random bytes, for every scheme (interface.md §9). */
function generateSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString("base64")}`;
}

function invalid(problems: readonly FieldProblem[]): HttpError {
  const fields = [...new Set(problems.map((p) => p.field))].join(", ");
  return new HttpError(400, "invalid_body", `the endpoint is not valid (${fields})`, problems);
}

function repeated(storedHash: string, bodyHash: string, answer: string): Created {
  if (storedHash !== bodyHash) throw new HttpError(409, "idempotency_conflict", "this Idempotency-Key was used with a different body in the last 24 hours");
  return { status: 200, body: JSON.parse(answer) as Record<string, unknown> };
}

/** Equal for bodies equal as JSON, whatever their key order. */
function hashOf(body: unknown): string {
  return createHash("sha256").update(canonical(body)).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
