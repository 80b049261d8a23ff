/** Storing events: one delivery row per endpoint, duplicates and id conflicts per request. */
import { expect, it } from "bun:test";
import { deliveryId } from "../../../src/outbox/types";
import { NO_UPPER_SEQ } from "../../../src/outbox/delivery-filter";
import { NOW, newEvent } from "./fixtures";
import { describeStorage } from "./storage";

const ALL = { status: null, tenant: null, endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ } as const;

describeStorage("event writes", (fx) => {
  it("store an event and a row per endpoint it fans out to, in one transaction for every request", async () => {
    const s = await fx.open();
    const results = await s.events.writeGroups([
      [newEvent({ id: "evt_1", endpoints: ["a", "b"], tenant: "acme", orderingKey: "k" })],
      [newEvent({ id: "evt_2", endpoints: ["a"], held: true }), newEvent({ id: "evt_3", endpoints: [] })],
    ]);
    expect(results).toEqual([
      { kind: "stored", duplicates: [false], deliveries: 2 },
      { kind: "stored", duplicates: [false, false], deliveries: 1 },
    ]);
    expect(await s.queries.event("evt_1")).toEqual({
      id: "evt_1",
      type: "order.created",
      tenant: "acme",
      data: '{"id":"evt_1"}',
      ordering_key: "k",
      occurred_at: null,
      created_at: NOW,
    });
    const rows = await s.queries.eventDeliveries("evt_1");
    expect(rows.map((r) => [r.endpoint_id, r.status, r.tenant, r.attempts, r.next_attempt_at])).toEqual([
      ["a", "pending", "acme", 0, NOW],
      ["b", "pending", "acme", 0, NOW],
    ]);
    expect(rows[1]!.seq).toBeGreaterThan(rows[0]!.seq);
    expect((await s.queries.eventDeliveries("evt_2")).map((r) => r.status)).toEqual(["held"]);
    expect(await s.queries.event("evt_3")).not.toBeNull();
    expect(await s.queries.countDeliveries(ALL, 100)).toBe(3);
    expect(deliveryId(rows[0]!.seq)).toMatch(/^dlv_[1-9]/);
  });

  it("answer a repeated event as a duplicate and the same id with another body as a conflict, undoing only that request", async () => {
    const s = await fx.open();
    await s.events.writeGroups([[newEvent({ id: "evt_1", endpoints: ["a"], data: '{"a":1,"b":2}' })]]);
    const results = await s.events.writeGroups([
      [newEvent({ id: "evt_1", endpoints: ["a"], data: '{"b":2,"a":1}' })],
      [newEvent({ id: "evt_new", endpoints: ["a"] }), newEvent({ id: "evt_1", endpoints: ["a"], data: '{"a":2}' })],
      [newEvent({ id: "evt_1", endpoints: ["a"], data: '{"a":1,"b":2}', tenant: "other" })],
      [newEvent({ id: "evt_after", endpoints: ["a"] })],
    ]);
    expect(results).toEqual([
      { kind: "stored", duplicates: [true], deliveries: 0 },
      { kind: "conflict", id: "evt_1" },
      { kind: "conflict", id: "evt_1" },
      { kind: "stored", duplicates: [false], deliveries: 1 },
    ]);
    expect(await s.queries.event("evt_new")).toBeNull();
    expect(await s.queries.eventDeliveries("evt_1")).toHaveLength(1);
    expect(await s.queries.countDeliveries(ALL, 100)).toBe(2);
  });

  it("store a new id that two requests of one commit carry once, the later answered as a duplicate", async () => {
    const s = await fx.open();
    const results = await s.events.writeGroups([
      [newEvent({ id: "evt_twice", endpoints: ["a"] })],
      [newEvent({ id: "evt_other", endpoints: ["a"] }), newEvent({ id: "evt_twice", endpoints: ["a"] })],
    ]);
    expect(results).toEqual([
      { kind: "stored", duplicates: [false], deliveries: 1 },
      { kind: "stored", duplicates: [false, true], deliveries: 1 },
    ]);
    expect(await s.queries.eventDeliveries("evt_twice")).toHaveLength(1);
    expect(await s.queries.countDeliveries(ALL, 100)).toBe(2);
  });
});
