-- Each delivery changes status two or three times (pending, in flight, then
-- delivered, failed or pending again), and every change rewrote an entry of
-- this index as well as of deliveries_endpoint_status. Questions about a
-- status across endpoints now walk deliveries_endpoint_status once per
-- endpoint id, skipping from one id to the next (outbox/endpoint-ids.ts).
DROP INDEX deliveries_status;
