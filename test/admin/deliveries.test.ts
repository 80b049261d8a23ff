/** @module test/admin/deliveries — listing, filters, cursors, one delivery with its attempts, one event. */
import { describe, expect, it } from "bun:test";
import type { Receiver } from "../helpers/receiver";
import { waitFor } from "../helpers/wait";
import { adminJson, endpoint, ingest, withRelay } from "./fixture";

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("admin deliveries", () => {
  it("lists newest first, filters by status, endpoint, type and time, and pages with cursors", async () => {
    await withRelay(
      (rcv) => [endpoint("ok", rcv().url, `["*"]`), endpoint("down", rcv(() => new Response("no", { status: 500 })).url, `["a.*"]`, ["retry: [0s]"])].join("\n"),
      async (relay) => {
        for (let i = 0; i < 7; i++) await ingest(relay, i % 2 ? "b.thing" : "a.thing", { i });
        // 7 events to "ok", 4 of type a.* to "down"; all end delivered or failed.
        await waitFor("every delivery settled", async () => {
          const page = await adminJson(relay, "GET", "/v1/deliveries?limit=100");
          return page.items.length === 11 && page.items.every((d: { status: string }) => d.status === "delivered" || d.status === "failed");
        });

        const all = await adminJson(relay, "GET", "/v1/deliveries?limit=100");
        const seqs = all.items.map((d: { seq: number }) => d.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
        expect(all.next_cursor).toBeNull();
        for (const key of ["created_at", "updated_at"]) expect(all.items[0][key]).toMatch(ISO_MS);

        const paged: number[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: { seq: number }[]; next_cursor: string | null } = await adminJson(
            relay,
            "GET",
            `/v1/deliveries?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
          );
          expect(page.items.length).toBeLessThanOrEqual(3);
          paged.push(...page.items.map((d) => d.seq));
          cursor = page.next_cursor;
        } while (cursor);
        expect(paged).toEqual(seqs);

        const failed = await adminJson(relay, "GET", "/v1/deliveries?status=failed");
        expect(failed.items).toHaveLength(4);
        expect(failed.items.every((d: { endpoint_id: string; last_status_code: number }) => d.endpoint_id === "down" && d.last_status_code === 500)).toBe(true);
        expect((await adminJson(relay, "GET", "/v1/deliveries?endpoint=ok")).items).toHaveLength(7);
        expect((await adminJson(relay, "GET", "/v1/deliveries?endpoint=ok&event_type=b.thing")).items).toHaveLength(3);
        expect((await adminJson(relay, "GET", "/v1/deliveries?endpoint=down&status=delivered")).items).toHaveLength(0);
        expect((await adminJson(relay, "GET", "/v1/deliveries?since=1h")).items).toHaveLength(11);
        expect((await adminJson(relay, "GET", "/v1/deliveries?until=1h")).items).toHaveLength(0);
        const oldest = all.items.at(-1);
        const newest = all.items[0];
        expect((await adminJson(relay, "GET", `/v1/deliveries?until=${oldest.created_at}`)).items.map((d: { seq: number }) => d.seq)).toContain(oldest.seq);
        expect((await adminJson(relay, "GET", `/v1/deliveries?since=${newest.created_at}`)).items.map((d: { seq: number }) => d.seq)).toContain(newest.seq);
        const future = new Date(Date.now() + 60_000).toISOString();
        expect((await adminJson(relay, "GET", `/v1/deliveries?since=${future}`)).items).toHaveLength(0);
      },
    );
  });

  it("shows one delivery with every attempt and when the remaining ones fire", async () => {
    let receiver!: Receiver;
    await withRelay(
      (rcv) =>
        endpoint("flaky", (receiver = rcv((_, n) => new Response(n === 1 ? "busy" : "ok", { status: n === 1 ? 503 : 200 }))).url, `["*"]`, [
          "retry: [0s, 1h, 2h]",
          "headers: { Authorization: Bearer receiver-credential, X-Trace: abc }",
        ]),
      async (relay) => {
        const eventId = await ingest(relay, "a.thing", { x: 1 });
        const event = await adminJson(relay, "GET", `/v1/events/${eventId}`);
        expect(event).toMatchObject({ id: eventId, type: "a.thing", data: { x: 1 }, ordering_key: null, occurred_at: null });
        const id = event.deliveries[0].id;
        const pending = await waitFor("the first attempt recorded", async () => {
          const d = await adminJson(relay, "GET", `/v1/deliveries/${id}`);
          return d.attempts === 1 && d;
        });
        expect(pending.status).toBe("pending");
        expect(pending.attempt_log).toHaveLength(1);
        const [first] = pending.attempt_log;
        expect(first).toMatchObject({ n: 1, status_code: 503, response_excerpt: "busy" });
        expect(first.started_at).toMatch(ISO_MS);
        expect(first.duration_ms).toBeGreaterThanOrEqual(0);
        expect(first.error).toEqual(expect.any(String));
        expect(first.request_headers["webhook-id"]).toBe(eventId);
        expect(first.request_headers["x-trace"] ?? first.request_headers["X-Trace"]).toBe("abc");
        expect(JSON.stringify(first.request_headers)).not.toContain("receiver-credential");
        // Two attempts remain: at next_attempt_at, then 2h later.
        expect(pending.upcoming).toHaveLength(2);
        expect(pending.upcoming[0]).toBe(pending.next_attempt_at);
        expect(Date.parse(pending.upcoming[1]) - Date.parse(pending.upcoming[0])).toBe(2 * 3_600_000);

        const retried = await adminJson(relay, "POST", `/v1/deliveries/${id}/retry`);
        expect(retried).toMatchObject({ id, status: "pending", attempts: 1 });
        await receiver.waitForRequests(2);
        const done = await waitFor("delivered", async () => {
          const d = await adminJson(relay, "GET", `/v1/deliveries/${id}`);
          return d.status === "delivered" && d;
        });
        expect(done.attempt_log.map((a: { n: number; status_code: number }) => [a.n, a.status_code])).toEqual([
          [1, 503],
          [2, 200],
        ]);
        expect(done.upcoming).toEqual([]);
        expect(done.delivered_at).toMatch(ISO_MS);
        // The body shown is byte for byte what the receiver got, so a copied request replays it.
        expect(done.request_body).toBe(receiver.requests[1]!.body);
      },
    );
  });
});
