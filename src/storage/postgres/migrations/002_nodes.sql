-- The nodes on this database: each keeps its row fresh with a heartbeat and
-- deletes it when it stops cleanly; GET /v1/nodes lists the ones seen lately.
CREATE TABLE nodes (
  id           text PRIMARY KEY,
  hostname     text NOT NULL,
  version      text NOT NULL,
  started_at   bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  in_flight    integer NOT NULL
);
-- Pruning the rows of nodes killed long ago.
CREATE INDEX nodes_last_seen ON nodes (last_seen_at);

-- Leases held by one node at a time, by name ('housekeeping'); a row is
-- taken over only once it expired.
CREATE TABLE node_leases (
  name       text PRIMARY KEY,
  owner      text NOT NULL,
  expires_at bigint NOT NULL
);
