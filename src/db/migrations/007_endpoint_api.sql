-- Endpoints registered over the endpoint API, tenants and portal sessions
-- (interface.md §9).

-- An endpoint from the API keeps its document as posted (the YAML endpoint
-- keys), so every load resolves it against the config's current defaults:,
-- as the file's endpoints are. Its secrets are sealed (AES-256-GCM, see
-- src/sealing/) and are never part of the document. A deleted endpoint keeps
-- its row with deleted_at set, so its id is never handed out again.
CREATE TABLE api_endpoints (
  id                  TEXT PRIMARY KEY,
  tenant              TEXT,
  document            TEXT NOT NULL,   -- JSON: the endpoint keys, without id and secrets
  secrets             TEXT NOT NULL,   -- JSON list of sealed secrets, newest first
  previous_secret     TEXT,            -- sealed: the rotated-out secret, signing until previous_expires_at
  previous_expires_at INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  deleted_at          INTEGER
) WITHOUT ROWID;

-- endpoint_api.max_per_tenant counts one tenant's live endpoints.
CREATE INDEX api_endpoints_tenant ON api_endpoints (tenant) WHERE deleted_at IS NULL;

-- The first answer to each endpoint create sent with an Idempotency-Key,
-- kept 24 h. It shows the new secret, so it is sealed like the secrets.
CREATE TABLE endpoint_creates (
  scope      TEXT NOT NULL,      -- the tenant of the caller, '' for admin tokens
  key        TEXT NOT NULL,
  body_hash  TEXT NOT NULL,
  answer     TEXT NOT NULL,      -- sealed JSON
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX endpoint_creates_created ON endpoint_creates (created_at);

-- Portal sessions: a tenant-scoped token for the dashboard. Only the token's
-- SHA-256 is stored.
CREATE TABLE portal_sessions (
  id         TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  read_only  INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

-- The tenant an event was posted for; its deliveries go only to that tenant's endpoints.
ALTER TABLE events ADD COLUMN tenant TEXT;

-- Held deliveries, for the backlog that metrics sum over every API endpoint
-- (interface.md §9: their series are one, endpoint=""). Rows enter it only
-- when held, which ingest and the delivery path rarely make, so it costs the
-- hot path nothing; pending rows are counted on deliveries_due and failed
-- ones on deliveries_finished, which exist already.
CREATE INDEX deliveries_held ON deliveries (endpoint_id) WHERE status = 'held';
