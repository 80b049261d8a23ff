-- Admin listings filter by endpoint or by event type and read newest first.
-- Each index ends in the implied rowid (seq), so a filtered listing walks its
-- index in seq order and stops at LIMIT instead of sorting every match.
-- Status filters, with or without an endpoint, already have deliveries_status
-- and deliveries_endpoint_status from 001.
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id);
CREATE INDEX deliveries_type ON deliveries (event_type);
