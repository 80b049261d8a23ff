-- Every index on events and deliveries is written once per ingested row, and
-- these two were the ones the queries could do without:
-- an endpoint-only listing merges one walk per status over
-- deliveries_endpoint_status (outbox/delivery-filter.ts), and retention walks
-- events in rowid order, which is creation order (outbox/retention.ts).
DROP INDEX deliveries_endpoint;
DROP INDEX events_created;
