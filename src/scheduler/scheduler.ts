/**
 * @module scheduler/scheduler
 * The delivery loop: claim due rows → attempt each within the global and
 * per-endpoint limits → record the outcomes. One round ("pump") runs per event
 * loop turn at most; ingest and finished attempts wake it at once, a timer
 * wakes it for the next due retry. Outcomes finished in the same turn are
 * recorded together in one transaction.
 *
 * A round asks storage only about endpoints that have work due and a free
 * slot: the heap of due endpoints (due-endpoints.ts) is fed by ingest,
 * retries, releases, and finished attempts of endpoints that had due rows
 * left when they reached their own limit or whose FIFO keys wait on them; it
 * is rebuilt from storage at start-up and checked against it every
 * `resyncMs` (MAX_SLEEP_MS by default), in case a note was missed, and
 * whenever storage says rows fell due that no note announced (leases
 * reaped, another node's ingest). With many endpoints most have one
 * row at a time, so a finish that noted its endpoint every time doubled the
 * claim queries of a round, each answering nothing.
 *
 * Storage is reached through its interfaces (storage/stores.ts), so a round
 * is async; one round runs at a time, and a wake-up during a round asks for
 * another after it. An endpoint's limits are counted here for this node, to
 * know when to ask again, and passed to the claim, which holds them over
 * every node.
 */
import type { Clock } from "../clock";
import type { RateLimit } from "../config/types";
import type { StorageHealth } from "../db/health";
import type { EndpointConfig } from "../config/types";
import { streakReason } from "../delivery/classify";
import type { PreparedEndpoint } from "../delivery/endpoint";
import type { OutgoingRequest, SendResult } from "../delivery/send";
import type { EndpointRegistry } from "../endpoints/registry";
import type { Logger } from "../log";
import { deliveryId, type NewEvent } from "../outbox/types";
import { AttemptTally } from "../stats/tally";
import type { ClaimStore, EndpointCounters, HeldLease, LeasedDelivery, OutcomeStore } from "../storage/stores";
import { DueEndpoints } from "./due-endpoints";
import { TokenBucket } from "./rate-limit";
import { type Completion, cutShortAttempt, type DeadLetter, type DeliveryObserver, type Judged, judgeCompletion, type Started } from "./record";

/** Rows claimed per endpoint per round at most: bounds memory however large the backlog. */
const CLAIM_BATCH = 256;
/** Longest sleep between rounds: a safety net for clock jumps, not the way retries are found. */
const MAX_SLEEP_MS = 30_000;
/**
 * When an endpoint the store held back (at a limit it counts over every
 * node) is asked again at the latest: its own recorded outcomes ask sooner,
 * other nodes' finishing does not tell this one.
 */
const HELD_BACK_MS = 250;
/** Wait before trying again after storage failed during a round. */
const STORAGE_RETRY_MS = 1_000;

/** An endpoint taken from the heap for a round's claims. */
interface Asked {
  readonly id: string;
  readonly config: EndpointConfig;
  /** Attempts its own limits let it start now. */
  readonly own: number;
  readonly prepared: PreparedEndpoint;
}

export interface SchedulerDeps {
  readonly claims: ClaimStore;
  /** Records a flush's attempts with the stats API's per-minute rollups that count them, in one transaction. */
  readonly outcomes: OutcomeStore;
  readonly endpoints: EndpointRegistry;
  readonly health: Pick<StorageHealth, "ok" | "failed">;
  readonly send: (req: OutgoingRequest) => Promise<SendResult>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly random: () => number;
  readonly observer: DeliveryObserver;
  readonly onDeadLetter: (d: DeadLetter) => void;
  /** How often the heap is checked against storage; shorter where other nodes write (their wake-ups can be lost). */
  readonly resyncMs?: number;
  /**
   * Other nodes attempt the same endpoints: the failure counters storage
   * answers, counted over every node, replace this node's own, and judge
   * `disable_after` again. Alone on its database a node's own are the same.
   */
  readonly sharedCounters?: boolean;
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  #concurrency: number;
  #inFlight = 0;
  readonly #perEndpoint = new Map<string, number>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #running = new Set<Promise<void>>();
  /** Attempts sent and not yet answered, by delivery seq, each with its abort: what a drain that runs out of grace cuts short. */
  readonly #unanswered = new Map<number, Started & { readonly abort: AbortController }>();
  #done: Completion[] = [];
  /** Attempts being recorded now: still under their leases until the outcome commits. */
  #recording: readonly Completion[] = [];
  #pumpQueued = false;
  /** The round running, if any; a wake-up meanwhile sets #pumpAgain. */
  #round: Promise<void> | null = null;
  #pumpAgain = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;
  #stopping = false;
  readonly #due = new DueEndpoints();
  /** Endpoints that reached their own limit with due rows perhaps left: their next finished attempt notes them. */
  readonly #saturated = new Set<string>();
  /** Endpoints the store gave fewer rows than were due and asked for: a recorded outcome of theirs notes them. */
  readonly #heldBack = new Set<string>();
  /** When the heap was last checked against storage. */
  #resyncedAt = -Infinity;

  constructor(deps: SchedulerDeps, concurrency: number) {
    this.#deps = deps;
    this.#concurrency = concurrency;
  }

  /** Applies a new global concurrency (reload); in-flight attempts are untouched. */
  configure(concurrency: number): void {
    this.#concurrency = concurrency;
    this.wake();
  }

  /** The endpoint has work due at `at` (retried, released or enabled). */
  noteDue(endpointId: string, at: number): void {
    this.#due.note(endpointId, at);
    this.wakeAt(at);
  }

  /** Notes the pending deliveries just committed by ingest. */
  noteStored(groups: readonly (readonly NewEvent[])[]): void {
    let first = Infinity;
    for (const events of groups) {
      for (const e of events) {
        for (const d of e.deliveries) {
          if (d.status !== "pending") continue;
          this.#due.note(d.endpointId, d.nextAttemptAt);
          if (d.nextAttemptAt < first) first = d.nextAttemptAt;
        }
      }
    }
    if (first !== Infinity) this.wakeAt(first);
  }

  /** Rows may be due that no note announced: the next round rebuilds the heap from storage. */
  rescan(): void {
    this.#resyncedAt = -Infinity;
    this.wake();
  }

  /** Asks for a round on the next turn of the event loop; many calls in one turn make one round. */
  wake(): void {
    if (this.#pumpQueued || this.#stopping) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** Makes sure a round runs by `at`: now if it is due, else on the timer. */
  wakeAt(at: number): void {
    if (at <= this.#deps.clock.now()) this.wake();
    else this.#arm(at);
  }

  /** Attempts currently running. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The leases this node works under now: attempts running, and those finished whose outcome is not recorded yet. */
  held(): HeldLease[] {
    const held: HeldLease[] = [];
    for (const { delivery } of this.#unanswered.values()) held.push({ seq: delivery.seq, token: delivery.lease.token });
    for (const { delivery } of [...this.#recording, ...this.#done]) held.push({ seq: delivery.seq, token: delivery.lease.token });
    return held;
  }

  /**
   * Stops claiming, lets running attempts finish for up to `graceMs`, then
   * aborts those still waiting and records each as cut short (its delivery
   * pending again, due at once, the endpoint's failure counters untouched),
   * records what finished, and returns any other leased rows to `pending`.
   * Resolves at the end of the grace at the latest, whatever the endpoints' timeouts.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#clearTimer();
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => (timeout = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.#running]), grace]);
    clearTimeout(timeout);
    const cut = [...this.#unanswered.values()];
    this.#unanswered.clear();
    for (const a of cut) a.abort.abort();
    await this.#round;
    await this.#flush();
    if (cut.length > 0) {
      const now = this.#deps.clock.now();
      await this.#deps.outcomes.record(
        cut.map((a) => cutShortAttempt(a, now, graceMs, this.#deps)),
        null,
      );
    }
    await this.#deps.claims.releaseOwn(this.#deps.clock.now());
  }

  #pump(): void {
    if (this.#round) {
      this.#pumpAgain = true;
      return;
    }
    this.#round = this.#runRound().finally(() => {
      this.#round = null;
      if (!this.#pumpAgain) return;
      this.#pumpAgain = false;
      this.wake();
    });
  }

  async #runRound(): Promise<void> {
    try {
      await this.#flush();
      if (this.#stopping) return;
      await this.#dispatch();
    } catch (err) {
      this.#deps.health.failed(err);
      this.#deps.log.error("delivery round failed; retrying shortly", { error: String(err) });
      this.#arm(this.#deps.clock.now() + STORAGE_RETRY_MS);
    }
  }

  async #dispatch(): Promise<void> {
    const now = this.#deps.clock.now();
    const resyncMs = this.#deps.resyncMs ?? MAX_SLEEP_MS;
    if (now - this.#resyncedAt >= resyncMs) await this.#resync(now);
    // Each endpoint is asked for what it may take of the slots still free
    // once the endpoints before it have claimed, so slots one endpoint has
    // no rows for go to the next: with many endpoints, most have one due row.
    // The endpoints due are claimed together, as many as slots are free, and
    // again while slots are left.
    const free = this.#concurrency - this.#inFlight;
    let taken = 0;
    while (taken < free) {
      const round: Asked[] = [];
      while (round.length < free - taken) {
        const id = this.#due.takeDue(now);
        if (id === null) break;
        const live = this.#deps.endpoints.get(id);
        // Gone from the config: its rows are held, and its return notes it again. A disabled
        // endpoint is still asked: its rows are held, but a test probe goes out all the same.
        if (!live) continue;
        const own = this.#capacity(live.config, now);
        // At its own limit: the attempt that finishes first notes it again.
        if (own <= 0) {
          if (this.#perEndpoint.has(id)) this.#saturated.add(id);
          continue;
        }
        // Taken before the claim: a reload while it runs must not leave leased rows without their endpoint.
        round.push({ id, config: live.config, own, prepared: this.#deps.endpoints.prepared(id, now)! });
      }
      if (round.length === 0) break;
      const requests = round.map(({ id, config, own }) => ({
        endpointId: id,
        fifo: config.ordering === "fifo",
        limit: own,
        maxInFlight: config.maxInFlight,
        rateLimit: config.rateLimit ?? null,
      }));
      const claims = await this.#deps.claims.claimEach(requests, free - taken, now);
      for (let i = 0; i < round.length; i++) {
        const { id, config, own, prepared } = round[i]!;
        const claim = claims[i]!;
        const room = free - taken;
        for (const d of claim.leased) this.#start(prepared, d);
        taken += claim.leased.length;
        // Every row it could take came: more may be due. At its own limit, a finished
        // attempt notes it; held back by the global limit, it waits its turn.
        if (claim.asked === 0 || claim.leased.length >= claim.asked) {
          if (own > room) this.#due.note(id, now);
          else this.#saturated.add(id);
          continue;
        }
        const next = claim.next === undefined ? await this.#deps.claims.nextDueAt(id, config.ordering === "fifo") : claim.next;
        // Rows due, yet fewer came than asked: the store held it to a limit it counts over every node
        // (its leases not yet recorded, or other nodes'). Asked again now, it would spin this round.
        if (next !== null && next <= now) {
          this.#heldBack.add(id);
          this.#due.note(id, now + HELD_BACK_MS);
        } else if (next !== null) this.#due.note(id, next);
      }
    }
    this.#arm(Math.max(Math.min(this.#due.nextAt() ?? Infinity, this.#resyncedAt + resyncMs), now + 1));
  }

  /** Rebuilds the heap from storage: at start-up, and as a backstop for a note that was missed. */
  async #resync(now: number): Promise<void> {
    this.#resyncedAt = now;
    for (const { id, at } of await this.#deps.claims.dueEndpoints()) this.#due.note(id, at);
  }

  /** How many attempts this endpoint may start now, by its own limits. */
  #capacity(config: EndpointConfig, now: number): number {
    const id = config.id;
    let free = Math.min(config.maxInFlight - (this.#perEndpoint.get(id) ?? 0), CLAIM_BATCH);
    const bucket = this.#bucket(config, now);
    if (bucket) {
      free = Math.min(free, bucket.available(now));
      if (free <= 0) this.#due.note(id, bucket.nextTokenAt(now));
    }
    return Math.max(0, free);
  }

  /** The endpoint's rate limit, kept across reloads while its figures stay the same (spent tokens stay spent). */
  #bucket(config: EndpointConfig, now: number): TokenBucket | null {
    const limit = config.rateLimit;
    if (!limit) {
      this.#buckets.delete(config.id);
      return null;
    }
    let bucket = this.#buckets.get(config.id);
    if (!bucket || !sameLimit(bucket.limit, limit)) this.#buckets.set(config.id, (bucket = new TokenBucket(limit, now)));
    return bucket;
  }

  #arm(at: number): void {
    if (this.#stopping || at >= this.#timerAt) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.#deps.clock.now()));
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  #start(prepared: PreparedEndpoint, d: LeasedDelivery): void {
    const id = prepared.config.id;
    this.#inFlight++;
    this.#perEndpoint.set(id, (this.#perEndpoint.get(id) ?? 0) + 1);
    this.#buckets.get(id)?.take(1);
    const run = this.#attempt(prepared, d).finally(() => {
      this.#inFlight--;
      const left = this.#perEndpoint.get(id)! - 1;
      if (left === 0) this.#perEndpoint.delete(id);
      else this.#perEndpoint.set(id, left);
      this.#running.delete(run);
      // A slot of its own is free for rows left at its limit, or the next head of a FIFO key may be due.
      // A retry of this attempt is noted when its outcome is recorded. The round that records it looks.
      if (this.#saturated.delete(id) || this.#deps.endpoints.get(id)?.config.ordering === "fifo") this.#due.note(id, this.#deps.clock.now());
      this.wake();
    });
    this.#running.add(run);
  }

  async #attempt(prepared: PreparedEndpoint, d: LeasedDelivery): Promise<void> {
    const startedAt = this.#deps.clock.now();
    const timestampSec = Math.floor(startedAt / 1000);
    const body = prepared.body(d);
    const headers = {
      ...prepared.baseHeaders,
      ...prepared.headers({
        "event.id": d.eventId,
        "event.type": d.eventType,
        "delivery.id": deliveryId(d.seq),
        "delivery.seq": String(d.seq),
        attempt: String(d.attempts + 1),
        timestamp: String(timestampSec),
      }),
      ...prepared.sign({ id: d.eventId, timestampSec, body }),
    };
    const abort = new AbortController();
    this.#unanswered.set(d.seq, { delivery: d, prepared, startedAt, headers, abort });
    const sent = await this.#deps.send({ url: prepared.url, headers, body, timeoutMs: prepared.config.timeoutMs, abort });
    // Gone from the map: a drain cut this attempt short and has recorded it already.
    if (!this.#unanswered.delete(d.seq)) return;
    this.#done.push({ delivery: d, prepared, startedAt, finishedAt: this.#deps.clock.now(), headers, sent });
  }

  /**
   * Records every finished attempt in one transaction, each endpoint's
   * counters and each rollup row written once however many attempts they
   * count; on failure keeps them to try again. Then acts on those recorded:
   * an attempt whose lease was taken over meanwhile changed nothing.
   */
  async #flush(): Promise<void> {
    if (this.#done.length === 0) return;
    const done = this.#done;
    this.#done = [];
    const tally = new AttemptTally();
    const judged: Judged[] = [];
    const attempts = [];
    for (const c of done) {
      const j = judgeCompletion(c, this.#deps, tally);
      judged.push(j);
      attempts.push(j.attempt);
    }
    let results;
    this.#recording = done;
    try {
      results = await this.#deps.outcomes.record(attempts, tally);
    } catch (err) {
      this.#done = done.concat(this.#done);
      throw err;
    } finally {
      this.#recording = [];
    }
    this.#deps.health.ok();
    const deadLetters: DeadLetter[] = [];
    for (let i = 0; i < judged.length; i++) {
      const j = judged[i]!;
      const result = results[i]!;
      if (!result.recorded) continue;
      const id = j.attempt.endpointId;
      if (this.#heldBack.delete(id)) this.#due.note(id, this.#deps.clock.now());
      if (j.retryAt !== null) this.#due.note(id, j.retryAt);
      const disable = this.#deps.sharedCounters ? this.#judgeShared(j, result.counters) : j.disable;
      if (disable !== null) await this.#deps.endpoints.disable(id, "auto_disabled", disable, j.attempt.finishedAt);
      if (j.deadLetter) deadLetters.push(j.deadLetter);
    }
    deadLetters.forEach(this.#deps.onDeadLetter);
  }

  /** Takes the counters storage counted over every node as the endpoint's, and judges its streak on them (a 410 was judged already). */
  #judgeShared(j: Judged, counters: EndpointCounters): string | null {
    const live = this.#deps.endpoints.get(j.attempt.endpointId);
    if (live) Object.assign(live.state, counters);
    return j.disable ?? (j.disableAfter && streakReason(counters, j.disableAfter, j.attempt.finishedAt));
  }
}

function sameLimit(a: RateLimit | undefined, b: RateLimit): boolean {
  return a !== undefined && a.count === b.count && a.perMs === b.perMs;
}
