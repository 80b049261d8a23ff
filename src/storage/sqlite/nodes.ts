/**
 * @module storage/sqlite/nodes
 * The nodes of a SQLite database: the one process that has it open, kept in
 * memory (a file has no other node to tell about itself).
 */
import type { NodeRow, NodeStore } from "../stores";

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
}
