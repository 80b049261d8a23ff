/**
 * @module storage/sqlite/nodes
 * The node listing and the housekeeping lease of a SQLite database, in
 * memory. The database file has one user, the process that opened it, so
 * that process is the only node there can be and always the housekeeper. A
 * table would only restate this: every heartbeat would be a write on the
 * file ingest commits to, and a process killed mid-run would leave a row
 * that no other node could ever see go stale or prune. What the listing
 * shows of this node is the same either way; the row just ends with the
 * process.
 */
import type { HousekeepingLease, NodeBeat, NodeRow, NodeStore } from "../stores";

export class LocalNodes implements NodeStore {
  #row: NodeRow | null = null;

  constructor(readonly nodeId: string) {}

  async heartbeat(beat: NodeBeat, now: number): Promise<void> {
    this.#row = { id: this.nodeId, ...beat, lastSeenAt: now };
  }

  async alive(seenSince: number, after: string | null, limit: number): Promise<NodeRow[]> {
    const row = this.#row;
    if (!row || row.lastSeenAt < seenSince || (after !== null && row.id <= after)) return [];
    return [row];
  }

  async leave(): Promise<void> {
    this.#row = null;
  }

  async prune(before: number): Promise<number> {
    if (!this.#row || this.#row.lastSeenAt >= before) return 0;
    this.#row = null;
    return 1;
  }
}

/** The only node holds the lease, always: there is no other to hand it to. */
export const LOCAL_HOUSEKEEPING: HousekeepingLease = {
  acquire: async () => true,
  release: async () => {},
};
