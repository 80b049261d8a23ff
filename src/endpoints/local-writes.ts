/**
 * @module endpoints/local-writes
 * Which endpoints this node is writing, for the registry follower: a row
 * the follower read before one of this node's writes of the same endpoint
 * committed must not be applied over it. Each id keeps how many of its
 * writes run and a number from one counter at the last one's start or end;
 * the follower takes the counter before it reads, and a row whose id was
 * written since, or is being written, waits to be read again. Off until a
 * follower turns it on, so a node alone on its database keeps nothing.
 */
export class LocalWrites {
  #byId: Map<string, { running: number; at: number }> | null = null;
  #seq = 0;
  #onEnded: () => void = () => {};

  /** Starts keeping writes; `onEnded` hears when each ends. */
  track(onEnded: () => void): void {
    this.#byId ??= new Map();
    this.#onEnded = onEnded;
  }

  began(id: string): void {
    if (!this.#byId) return;
    const w = this.#byId.get(id);
    if (w) {
      w.running++;
      w.at = ++this.#seq;
    } else this.#byId.set(id, { running: 1, at: ++this.#seq });
  }

  ended(id: string): void {
    const w = this.#byId?.get(id);
    if (!w) return;
    w.running--;
    w.at = ++this.#seq;
    this.#onEnded();
  }

  /** A point in this node's writes, for `since`. */
  mark(): number {
    return this.#seq;
  }

  /** Whether `id` was written after `mark`, or is being written now. */
  since(id: string, mark: number): boolean {
    const w = this.#byId?.get(id);
    return w !== undefined && (w.running > 0 || w.at > mark);
  }

  /** Forgets the writes that ended by `mark`: every row read after it shows them. */
  settledAt(mark: number): void {
    if (!this.#byId) return;
    for (const [id, w] of this.#byId) if (w.running === 0 && w.at <= mark) this.#byId.delete(id);
  }
}
