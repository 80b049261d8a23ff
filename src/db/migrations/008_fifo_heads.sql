-- FIFO heads as a mark on the row, so a FIFO claim is one seek like any other
-- instead of a GROUP BY over the endpoint's whole backlog (outbox/fifo-heads.ts
-- keeps the marks). fifo_head: 1 on the one row per (endpoint, key) that may be
-- attempted next; 2 on an older row retried by hand while that head is in
-- flight, which takes over once the head's attempt ends; 0 otherwise.
ALTER TABLE deliveries ADD COLUMN fifo_head INTEGER NOT NULL DEFAULT 0;

-- The FIFO claim: due heads of one endpoint, soonest first. It holds one row
-- per key with a backlog, however long each key's queue is.
CREATE INDEX deliveries_fifo_due ON deliveries (endpoint_id, next_attempt_at) WHERE fifo_head = 1 AND status = 'pending';

-- A key's marks, looked up on ingest and whenever a marked row changes status.
-- Keyed by the mark, not the status, so an attempt's status changes leave it alone.
CREATE INDEX deliveries_fifo_marks ON deliveries (endpoint_id, fifo_key, fifo_head) WHERE fifo_head > 0;

-- Handing the mark on: the next row of the key after the head that left. No
-- status in it, so each status change of a FIFO row rewrites one index fewer
-- than the index it replaces.
DROP INDEX deliveries_fifo;
CREATE INDEX deliveries_fifo_key ON deliveries (endpoint_id, fifo_key, seq) WHERE fifo_key IS NOT NULL;

-- Existing backlogs: each key's oldest waiting row is its head. Held rows wait
-- too: they keep their place and resume in ingest order once released.
UPDATE deliveries SET fifo_head = 1 WHERE seq IN (
  SELECT MIN(seq) FROM deliveries WHERE fifo_key IS NOT NULL AND status IN ('pending', 'in_flight', 'held')
  GROUP BY endpoint_id, fifo_key);
