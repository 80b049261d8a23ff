-- The change feed of what each node's endpoint registry holds: every write
-- to an API endpoint, and every change of an endpoint's state, reason or
-- config hash, takes the next value of one sequence as its row's revision,
-- and wakes the other nodes on the channel hookrelay_endpoints on commit.
-- Triggers set both, so no writer can forget them. A node reads the rows
-- past the last revision it applied.
--
-- Writers take one transaction-scoped advisory lock before drawing a
-- revision and keep it until they commit, so revisions commit in order: a
-- reader that sees revision n also sees every revision below it. The lock
-- is taken by registry writes only, which are rare; the failure counters
-- and the rate limit's bucket, written by every claim and outcome, change
-- no revision and take no lock.
CREATE SEQUENCE registry_revision;

ALTER TABLE api_endpoints ADD COLUMN revision bigint NOT NULL DEFAULT 0;
ALTER TABLE endpoint_state ADD COLUMN revision bigint NOT NULL DEFAULT 0;
-- Rows written before this migration are in every node's start-up load; each takes a revision all the same.
UPDATE api_endpoints SET revision = nextval('registry_revision');
UPDATE endpoint_state SET revision = nextval('registry_revision');
CREATE INDEX api_endpoints_revision ON api_endpoints (revision);
CREATE INDEX endpoint_state_revision ON endpoint_state (revision);

CREATE FUNCTION hookrelay_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The two-key form: its keys never meet the one-key lock of migrations (0x686f6f6b, "hook").
  PERFORM pg_advisory_xact_lock(1752133483, 1);
  NEW.revision := nextval('registry_revision');
  RETURN NEW;
END $$;

CREATE FUNCTION hookrelay_notify_endpoints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One transaction's notifications with one payload are sent once.
  PERFORM pg_notify('hookrelay_endpoints', '');
  RETURN NULL;
END $$;

CREATE TRIGGER api_endpoints_revise BEFORE INSERT OR UPDATE ON api_endpoints
  FOR EACH ROW EXECUTE FUNCTION hookrelay_revise();
CREATE TRIGGER api_endpoints_notify AFTER INSERT OR UPDATE ON api_endpoints
  FOR EACH ROW EXECUTE FUNCTION hookrelay_notify_endpoints();

-- Claims and outcomes insert a bare row (all defaults) to lock it: that alone is nothing a registry holds.
CREATE TRIGGER endpoint_state_revise_insert BEFORE INSERT ON endpoint_state
  FOR EACH ROW WHEN (NEW.state <> 'active' OR NEW.disabled_reason IS NOT NULL OR NEW.config_hash IS NOT NULL)
  EXECUTE FUNCTION hookrelay_revise();
CREATE TRIGGER endpoint_state_revise_update BEFORE UPDATE ON endpoint_state
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.disabled_reason IS DISTINCT FROM NEW.disabled_reason
    OR OLD.config_hash IS DISTINCT FROM NEW.config_hash)
  EXECUTE FUNCTION hookrelay_revise();
CREATE TRIGGER endpoint_state_notify_insert AFTER INSERT ON endpoint_state
  FOR EACH ROW WHEN (NEW.revision <> 0) EXECUTE FUNCTION hookrelay_notify_endpoints();
CREATE TRIGGER endpoint_state_notify_update AFTER UPDATE ON endpoint_state
  FOR EACH ROW WHEN (OLD.revision IS DISTINCT FROM NEW.revision) EXECUTE FUNCTION hookrelay_notify_endpoints();
