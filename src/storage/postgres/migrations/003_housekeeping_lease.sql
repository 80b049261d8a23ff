-- Leases held by one node at a time, by name ('housekeeping'); a row is
-- taken over only once it expired.
CREATE TABLE node_leases (
  name       text PRIMARY KEY,
  owner      text NOT NULL,
  expires_at bigint NOT NULL
);
