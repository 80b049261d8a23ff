-- Per-minute rollups of attempt outcomes, written in the same transaction as
-- the attempts they count (one upsert per endpoint and minute per flush of
-- outcomes), so the stats API reads at most one row per minute of its window
-- however many attempts are stored. endpoint_id '' holds the whole relay's
-- row: endpoint ids are never empty. lat0..lat11 count attempts per latency
-- bucket, bounds fixed in src/stats/latency.ts (the last has no upper bound).
CREATE TABLE attempt_rollups (
  endpoint_id    TEXT NOT NULL,
  minute         INTEGER NOT NULL,   -- unix minutes (ms / 60000) of when the attempts finished
  attempts       INTEGER NOT NULL,
  success        INTEGER NOT NULL,
  http_error     INTEGER NOT NULL,
  timeout        INTEGER NOT NULL,
  network        INTEGER NOT NULL,
  blocked        INTEGER NOT NULL,
  delivered      INTEGER NOT NULL,   -- deliveries that ended delivered with these attempts
  failed         INTEGER NOT NULL,   -- deliveries that ended failed (dead-letter) with them
  latency_max_ms INTEGER NOT NULL,
  lat0 INTEGER NOT NULL, lat1 INTEGER NOT NULL, lat2 INTEGER NOT NULL, lat3 INTEGER NOT NULL,
  lat4 INTEGER NOT NULL, lat5 INTEGER NOT NULL, lat6 INTEGER NOT NULL, lat7 INTEGER NOT NULL,
  lat8 INTEGER NOT NULL, lat9 INTEGER NOT NULL, lat10 INTEGER NOT NULL, lat11 INTEGER NOT NULL,
  PRIMARY KEY (endpoint_id, minute)
) WITHOUT ROWID;

-- Retention deletes the oldest minutes first, a batch at a time. A row
-- enters this index once, when its minute starts; later upserts of the same
-- row change no key.
CREATE INDEX attempt_rollups_minute ON attempt_rollups (minute);
