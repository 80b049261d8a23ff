/** Wake-ups between nodes: a node that stores events with pending deliveries tells the others which endpoints, never itself. */
import { expect, it } from "bun:test";
import type { Storage } from "../../../src/storage/stores";
import { waitFor } from "../../helpers/wait";
import { ingest } from "./fixtures";
import { describeStorage } from "./storage";

describeStorage("wake-ups", (fx) => {
  it("tell every other node the endpoints an ingest made due, never the node that wrote", async () => {
    // One node on a single-node driver, two where several may share the database.
    const nodes: Storage[] = fx.multiNode ? [await fx.open("a"), await fx.open("b")] : [await fx.open("a")];
    const heard: { node: string; ids: readonly string[] | null }[] = [];
    const stops = await Promise.all(nodes.map((s) => s.signals.listen((ids) => heard.push({ node: s.nodeId, ids }))));
    try {
      const [a, b] = nodes;
      await ingest(a!, { id: "e1", endpoints: ["x", "y"] }, { id: "e2", endpoints: ["y"] });
      await ingest(a!, { id: "e3", endpoints: ["z"], held: true });
      if (!b) {
        expect(heard).toEqual([]);
        return;
      }
      await ingest(b, { id: "e4", endpoints: ["w"] });
      await waitFor("both wake-ups", () => heard.length >= 2);
      expect(heard.map((h) => [h.node, [...(h.ids ?? [])].sort()])).toEqual([
        ["b", ["x", "y"]],
        ["a", ["w"]],
      ]);
    } finally {
      for (const stop of stops) await stop();
    }
  });
});
