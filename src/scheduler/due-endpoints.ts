/**
 * @module scheduler/due-endpoints
 * Which endpoints may have work due, and from when: one entry per endpoint in
 * a binary min-heap ordered by that time. Ingest, finished attempts, releases
 * and retries note an endpoint when they give it work; a delivery round takes
 * the entries that are due and asks storage about those endpoints only, so a
 * round costs what is due, not the number of endpoints registered. An entry
 * may be stale (its work was taken meanwhile): asking storage finds nothing
 * and costs one index seek. Among equal times the endpoint noted first comes
 * first, so endpoints waiting for free slots take turns.
 */

interface Entry {
  readonly id: string;
  at: number;
  /** Order of noting, breaking ties between equal times. */
  order: number;
}

export class DueEndpoints {
  readonly #heap: Entry[] = [];
  readonly #position = new Map<string, number>();
  #noted = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The endpoint has work due at `at`: kept at the earlier of that and what was already noted. */
  note(id: string, at: number): void {
    const at0 = this.#position.get(id);
    if (at0 !== undefined) {
      const entry = this.#heap[at0]!;
      if (at >= entry.at) return;
      entry.at = at;
      entry.order = this.#noted++;
      this.#up(at0);
      return;
    }
    this.#heap.push({ id, at, order: this.#noted++ });
    this.#position.set(id, this.#heap.length - 1);
    this.#up(this.#heap.length - 1);
  }

  /** When the earliest entry falls due; null when none is noted. */
  nextAt(): number | null {
    return this.#heap[0]?.at ?? null;
  }

  /** Removes and answers the earliest entry if it is due by `now`. */
  takeDue(now: number): string | null {
    const top = this.#heap[0];
    if (!top || top.at > now) return null;
    this.#remove(0);
    return top.id;
  }

  #remove(i: number): void {
    this.#position.delete(this.#heap[i]!.id);
    const last = this.#heap.pop()!;
    if (i === this.#heap.length) return;
    this.#heap[i] = last;
    this.#position.set(last.id, i);
    this.#down(i);
    this.#up(i);
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && this.#less(heap[l]!, heap[best]!)) best = l;
      if (r < heap.length && this.#less(heap[r]!, heap[best]!)) best = r;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap;
    const x = heap[a]!;
    const y = heap[b]!;
    heap[a] = y;
    heap[b] = x;
    this.#position.set(y.id, a);
    this.#position.set(x.id, b);
  }
}
