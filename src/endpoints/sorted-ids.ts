/**
 * @module endpoints/sorted-ids
 * A set of ids kept in sorted order, for listings by id with a cursor: a page
 * starts with a binary search, so it costs the page, not the whole set.
 * Inserting shifts the array, which stays cheap for the sizes the registry
 * holds (100,000 ids move in well under a millisecond).
 */
export class SortedIds {
  readonly #ids: string[] = [];

  get size(): number {
    return this.#ids.length;
  }

  add(id: string): void {
    const at = this.#lowerBound(id);
    if (this.#ids[at] !== id) this.#ids.splice(at, 0, id);
  }

  delete(id: string): void {
    const at = this.#lowerBound(id);
    if (this.#ids[at] === id) this.#ids.splice(at, 1);
  }

  /** A copy of every id, in order. */
  all(): string[] {
    return [...this.#ids];
  }

  /** The ids after `after` (all of them when null), in order. */
  *after(after: string | null): Generator<string> {
    let at = after === null ? 0 : this.#lowerBound(after);
    if (after !== null && this.#ids[at] === after) at++;
    for (; at < this.#ids.length; at++) yield this.#ids[at]!;
  }

  /** The first position whose id is not below `id`. */
  #lowerBound(id: string): number {
    let lo = 0;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
