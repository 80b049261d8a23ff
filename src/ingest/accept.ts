/**
 * @module ingest/accept
 * Turns validated requests into stored events: id, timestamps, fan-out to the
 * matching endpoints, then the group committer. A request is answered only
 * after its transaction commits; a storage failure is a 503, never a 202.
 */
import type { Clock } from "../clock";
import { HttpError, storageUnavailable } from "../http/errors";
import type { GroupCommitter } from "./committer";
import type { GroupResult } from "../outbox/event-writer";
import type { NewDelivery, NewEvent } from "../outbox/types";
import { nextAttemptAt } from "../scheduler/backoff";
import type { EndpointConfig } from "../config/types";
import { matchesFilter, matchesType, OWN_EVENT_PREFIX } from "../endpoints/matching";
import type { EndpointRegistry } from "../endpoints/registry";
import type { IdGenerator } from "./ids";
import type { EventInput } from "./schema";
import type { FilterSubject } from "../endpoints/matching";

export interface IngestDeps {
  readonly committer: GroupCommitter;
  readonly endpoints: EndpointRegistry;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly random: () => number;
  readonly onIngested: (count: number) => void;
}

export type AcceptAnswer =
  | { readonly status: 202; readonly body: { id: string; deliveries: number } }
  | { readonly status: 200; readonly body: { id: string; duplicate: true } };

export type BatchAnswer = {
  readonly status: 200 | 202;
  readonly body: { ids: string[]; deliveries: number; duplicates?: string[] };
};

/** How an internal event differs from one posted by an application. */
interface Origin {
  /** hookrelay's own events may use the reserved `hookrelay.` prefix. */
  readonly internal: boolean;
  /**
   * Test probes go to the endpoints named, even while disabled and whatever
   * their `events` and `filter` say: they test the connection, not the subscription.
   */
  readonly probe: boolean;
}

/** A validated event body and its `data` as the JSON text posted, which is what is stored and sent. */
export interface PostedEvent {
  readonly input: EventInput;
  readonly dataJson: string;
}

const APPLICATION: Origin = { internal: false, probe: false };

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export class Ingest {
  readonly #deps: IngestDeps;

  constructor(deps: IngestDeps) {
    this.#deps = deps;
  }

  /** `POST /v1/events`. */
  async accept(posted: PostedEvent, idempotencyKey: string | null): Promise<AcceptAnswer> {
    const now = this.#deps.clock.now();
    const event = this.#build(posted, idempotencyKey, now, APPLICATION, "");
    const result = await this.#commit([event]);
    if (result.duplicates[0]) return { status: 200, body: { id: event.id, duplicate: true } };
    this.#deps.onIngested(1);
    return { status: 202, body: { id: event.id, deliveries: result.deliveries } };
  }

  /** `POST /v1/events/batch`: all or nothing. */
  async acceptBatch(posted: readonly PostedEvent[]): Promise<BatchAnswer> {
    const now = this.#deps.clock.now();
    const events = posted.map((p, i) => this.#build(p, null, now, APPLICATION, `/events/${i}`));
    const result = await this.#commit(events);
    const duplicates = events.filter((_, i) => result.duplicates[i]).map((e) => e.id);
    this.#deps.onIngested(events.length - duplicates.length);
    const body = { ids: events.map((e) => e.id), deliveries: result.deliveries, ...(duplicates.length ? { duplicates } : {}) };
    return { status: duplicates.length === events.length ? 200 : 202, body };
  }

  /**
   * Stores an event hookrelay raises itself (`hookrelay.*` operational events,
   * `webhook.test` for the tenant of the endpoint it probes); answers its id
   * and the delivery count.
   */
  async emit(type: string, data: Record<string, unknown>, only: readonly string[] | null, probe = false, tenant: string | null = null) {
    const now = this.#deps.clock.now();
    const input: EventInput = { type, data, ...(only ? { endpoints: [...only] } : {}), ...(tenant === null ? {} : { tenant }) };
    const event = this.#build({ input, dataJson: JSON.stringify(data) }, null, now, { internal: true, probe }, "");
    const result = await this.#commit([event]);
    return { id: event.id, deliveries: result.deliveries };
  }

  async #commit(events: readonly NewEvent[]): Promise<Extract<GroupResult, { kind: "stored" }>> {
    let result: GroupResult;
    try {
      result = await this.#deps.committer.submit(events);
    } catch {
      throw storageUnavailable();
    }
    if (result.kind === "conflict") {
      throw new HttpError(409, "id_conflict", `event ${result.id} already exists with a different type or data`);
    }
    return result;
  }

  #build({ input, dataJson }: PostedEvent, idempotencyKey: string | null, now: number, origin: Origin, at: string): NewEvent {
    if (!origin.internal && input.type.startsWith(OWN_EVENT_PREFIX)) {
      throw new HttpError(422, "reserved_type", `event types starting with "${OWN_EVENT_PREFIX}" are reserved for hookrelay`, [
        { field: `${at}/type`, message: "reserved prefix" },
      ]);
    }
    if (idempotencyKey !== null && input.id !== undefined && input.id !== idempotencyKey) {
      throw new HttpError(400, "invalid_body", "the id in the body and the Idempotency-Key header differ", [
        { field: `${at}/id`, message: "differs from Idempotency-Key" },
      ]);
    }
    const id = input.id ?? idempotencyKey ?? this.#deps.newId(now);
    const occurredAt = input.occurred_at === undefined ? null : parseOccurredAt(input.occurred_at, at);
    const tenant = input.tenant ?? null;
    const orderingKey = input.ordering_key ?? null;
    const selected = this.#select(input, { id, type: input.type, data: input.data, ordering_key: orderingKey }, tenant, origin, at);
    const deliveries: NewDelivery[] = selected.map((ep) => {
      const active = origin.probe || this.#deps.endpoints.get(ep.id)!.state.state === "active";
      const first = nextAttemptAt({
        policy: ep.retry,
        attemptsMade: 0,
        createdAt: now,
        from: now,
        jitter: ep.jitter,
        random: this.#deps.random(),
      });
      return {
        endpointId: ep.id,
        fifoKey: ep.ordering === "fifo" ? (orderingKey ?? "") : null,
        status: active ? "pending" : "held",
        nextAttemptAt: first ?? now,
      };
    });
    return { id, type: input.type, tenant, dataJson, orderingKey, occurredAt, createdAt: now, deliveries };
  }

  /**
   * The endpoints an event goes to: those of its tenant whose `events` and
   * `filter` take it, or, with `endpoints: [...]`, only the listed ones among
   * them. Probes go to the listed endpoints whatever they subscribe to.
   */
  #select(input: EventInput, subject: FilterSubject, tenant: string | null, origin: Origin, at: string): EndpointConfig[] {
    const registry = this.#deps.endpoints;
    if (!input.endpoints) return registry.candidates(tenant, input.type).filter((ep) => matchesFilter(ep.filter, subject));
    const listed = [...new Set(input.endpoints)].map((id) => ({ id, config: registry.get(id)?.config }));
    const unknown = listed.filter((e) => e.config === undefined).map((e) => e.id);
    if (unknown.length) {
      throw new HttpError(422, "unknown_endpoint", `no endpoint is configured with id ${unknown.map((u) => `"${u}"`).join(", ")}`, [
        { field: `${at}/endpoints`, message: "unknown endpoint id" },
      ]);
    }
    const configs = listed.map((e) => e.config!);
    const foreign = configs.filter((c) => c.tenant !== tenant).map((c) => c.id);
    if (foreign.length) {
      const whose = tenant === null ? "events without a tenant" : `tenant "${tenant}"`;
      throw new HttpError(422, "unknown_endpoint", `endpoint ${foreign.map((u) => `"${u}"`).join(", ")} does not take ${whose}`, [
        { field: `${at}/endpoints`, message: "endpoint of another tenant" },
      ]);
    }
    if (origin.probe) return configs;
    return configs.filter((ep) => matchesType(ep.events, input.type) && matchesFilter(ep.filter, subject));
  }
}

function parseOccurredAt(text: string, at: string): number {
  const ms = ISO_WITH_ZONE.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new HttpError(400, "invalid_body", "occurred_at must be an ISO-8601 time with a zone, e.g. 2026-03-08T12:34:56.789Z", [
      { field: `${at}/occurred_at`, message: "expected an ISO-8601 time with a zone" },
    ]);
  }
  return ms;
}
