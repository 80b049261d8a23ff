-- The nodes on this database, each as it last said it was alive (GET /v1/nodes).
CREATE TABLE nodes (
  id            text PRIMARY KEY,
  hostname      text NOT NULL,
  version       text NOT NULL,
  started_at    bigint NOT NULL,
  last_seen_at  bigint NOT NULL,
  in_flight     integer NOT NULL
);
