-- The outbox. Times are unix milliseconds (INTEGER); JSON is stored as text.

CREATE TABLE events (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  data         TEXT NOT NULL,       -- compact JSON, embedded verbatim in every envelope
  ordering_key TEXT,
  occurred_at  INTEGER,
  created_at   INTEGER NOT NULL
);

-- One row per (event, endpoint). seq is the public {delivery.seq}: AUTOINCREMENT
-- so a pruned maximum is never handed out again.
CREATE TABLE deliveries (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id         TEXT NOT NULL,
  endpoint_id      TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  fifo_key         TEXT,            -- set only for endpoints with ordering: fifo
  status           TEXT NOT NULL,   -- pending | in_flight | delivered | failed | held | cancelled
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  delivered_at     INTEGER
);

-- Claims: due pending rows of one endpoint, soonest first. Partial, so it holds
-- only the backlog and stays small however many rows have been delivered.
CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';

-- FIFO heads: the lowest seq per (endpoint, key) among active rows.
CREATE INDEX deliveries_fifo ON deliveries (endpoint_id, fifo_key, seq)
  WHERE fifo_key IS NOT NULL AND status IN ('pending', 'in_flight');

-- Listings newest first (rowid order is implied after the indexed columns),
-- backlog counts, held release in seq order, retention walks.
CREATE INDEX deliveries_status ON deliveries (status);
CREATE INDEX deliveries_endpoint_status ON deliveries (endpoint_id, status);
CREATE INDEX deliveries_event ON deliveries (event_id);

CREATE TABLE attempts (
  delivery_seq     INTEGER NOT NULL,
  n                INTEGER NOT NULL,
  started_at       INTEGER NOT NULL,
  duration_ms      INTEGER NOT NULL,
  status_code      INTEGER,
  error            TEXT,
  request_headers  TEXT NOT NULL,  -- JSON object of the headers sent
  response_excerpt TEXT,
  PRIMARY KEY (delivery_seq, n)
) WITHOUT ROWID;

-- Runtime state of each endpoint id ever seen; the config says where and how,
-- this says whether it is currently allowed to receive and how it has fared.
CREATE TABLE endpoint_state (
  endpoint_id          TEXT PRIMARY KEY,
  state                TEXT NOT NULL DEFAULT 'active',  -- active | disabled | auto_disabled
  disabled_reason      TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  failing_since        INTEGER,
  last_success_at      INTEGER,
  config_hash          TEXT   -- of the endpoint's last loaded config: an edit re-enables an auto-disabled endpoint
) WITHOUT ROWID;
