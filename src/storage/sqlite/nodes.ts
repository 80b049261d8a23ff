/**
 * @module storage/sqlite/nodes
 * The node listing and the housekeeping lease of a SQLite database, in
 * memory. The database file has one user, the process that opened it, so
 * that process is the only node there can be and always the housekeeper. A
 * table would only restate this: every heartbeat would be a write on the
 * file ingest commits to, and a process killed mid-run would leave a row
 * that no other node could ever see go stale or forget. What the listing
 * shows of this node is the same either way; the row just ends with the
 * process.
 */
import type { HousekeepingLease, NodeRow, NodeStore } from "../stores";

export class LocalNodes implements NodeStore {
  #self: NodeRow | null = null;

  async heartbeat(node: NodeRow): Promise<void> {
    this.#self = node;
  }

  async alive(since: number, after: string | null, limit: number): Promise<NodeRow[]> {
    const self = this.#self;
    if (!self || self.lastSeenAt < since || (after !== null && self.id <= after) || limit < 1) return [];
    return [self];
  }

  async forget(before: number): Promise<number> {
    if (!this.#self || this.#self.lastSeenAt >= before) return 0;
    this.#self = null;
    return 1;
  }

  async leave(id: string): Promise<void> {
    if (this.#self?.id === id) this.#self = null;
  }
}

/** The only node holds the lease, always: there is no other to hand it to. */
export const LOCAL_HOUSEKEEPING: HousekeepingLease = {
  acquire: async () => true,
  release: async () => {},
};
