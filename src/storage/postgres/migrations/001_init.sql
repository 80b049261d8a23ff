-- The schema of the SQLite migrations 001-007, for PostgreSQL: times are unix
-- milliseconds (bigint), JSON is stored as text and sent verbatim. Every
-- SQLite index ends in the implied rowid (seq); here seq is spelled out.

CREATE TABLE events (
  id           text PRIMARY KEY,
  -- Insertion order of events, for retention's walk (SQLite's rowid).
  rid          bigserial NOT NULL UNIQUE,
  type         text NOT NULL,
  tenant       text,
  data         text NOT NULL,
  ordering_key text,
  occurred_at  bigint,
  created_at   bigint NOT NULL
);

-- seq is the public {delivery.seq}: a sequence never hands a pruned value out again.
CREATE TABLE deliveries (
  seq              bigserial PRIMARY KEY,
  event_id         text NOT NULL,
  endpoint_id      text NOT NULL,
  event_type       text NOT NULL,
  fifo_key         text,
  status           text NOT NULL,   -- pending | in_flight | delivered | failed | held | cancelled
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  bigint,
  last_status_code integer,
  last_error       text,
  created_at       bigint NOT NULL,
  updated_at       bigint NOT NULL,
  delivered_at     bigint,
  -- The lease of an in_flight row: which node holds it, until when, and the
  -- token its outcome must show (raised by every lease of the row).
  lease_owner      text,
  lease_expires_at bigint,
  lease_token      bigint NOT NULL DEFAULT 0
);

CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX deliveries_fifo ON deliveries (endpoint_id, fifo_key, seq)
  WHERE fifo_key IS NOT NULL AND status IN ('pending', 'in_flight');
CREATE INDEX deliveries_endpoint_status ON deliveries (endpoint_id, status, seq);
CREATE INDEX deliveries_event ON deliveries (event_id, seq);
CREATE INDEX deliveries_type ON deliveries (event_type, seq);
CREATE INDEX deliveries_finished ON deliveries (status, updated_at)
  WHERE status IN ('delivered', 'failed', 'cancelled');
CREATE INDEX deliveries_held ON deliveries (endpoint_id, seq) WHERE status = 'held';
-- The reaper's walk: leases by expiry.
CREATE INDEX deliveries_leases ON deliveries (lease_expires_at) WHERE status = 'in_flight';

CREATE TABLE attempts (
  delivery_seq     bigint NOT NULL,
  n                integer NOT NULL,
  started_at       bigint NOT NULL,
  duration_ms      bigint NOT NULL,
  status_code      integer,
  error            text,
  request_headers  text NOT NULL,
  response_excerpt text,
  PRIMARY KEY (delivery_seq, n)
);

CREATE TABLE endpoint_state (
  endpoint_id          text PRIMARY KEY,
  state                text NOT NULL DEFAULT 'active',  -- active | disabled | auto_disabled
  disabled_reason      text,
  consecutive_failures integer NOT NULL DEFAULT 0,
  failing_since        bigint,
  last_success_at      bigint,
  config_hash          text,
  -- The rate limit's token bucket, shared by every node: tokens left at rate_at.
  rate_tokens          double precision,
  rate_at              bigint
);

CREATE TABLE attempt_rollups (
  endpoint_id    text NOT NULL,
  minute         bigint NOT NULL,
  attempts       bigint NOT NULL,
  success        bigint NOT NULL,
  http_error     bigint NOT NULL,
  timeout        bigint NOT NULL,
  network        bigint NOT NULL,
  blocked        bigint NOT NULL,
  delivered      bigint NOT NULL,
  failed         bigint NOT NULL,
  latency_max_ms bigint NOT NULL,
  lat0 bigint NOT NULL, lat1 bigint NOT NULL, lat2 bigint NOT NULL, lat3 bigint NOT NULL,
  lat4 bigint NOT NULL, lat5 bigint NOT NULL, lat6 bigint NOT NULL, lat7 bigint NOT NULL,
  lat8 bigint NOT NULL, lat9 bigint NOT NULL, lat10 bigint NOT NULL, lat11 bigint NOT NULL,
  PRIMARY KEY (endpoint_id, minute)
);
CREATE INDEX attempt_rollups_minute ON attempt_rollups (minute);

CREATE TABLE api_endpoints (
  id                  text PRIMARY KEY,
  tenant              text,
  document            text NOT NULL,
  secrets             text NOT NULL,
  previous_secret     text,
  previous_expires_at bigint,
  created_at          bigint NOT NULL,
  updated_at          bigint NOT NULL,
  deleted_at          bigint
);
CREATE INDEX api_endpoints_tenant ON api_endpoints (tenant) WHERE deleted_at IS NULL;

CREATE TABLE endpoint_creates (
  scope      text NOT NULL,
  key        text NOT NULL,
  body_hash  text NOT NULL,
  answer     text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX endpoint_creates_created ON endpoint_creates (created_at);

CREATE TABLE portal_sessions (
  id         text PRIMARY KEY,
  tenant     text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  read_only  integer NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);
