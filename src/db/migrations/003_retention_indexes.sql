-- Retention walks finished deliveries oldest first and stops at a batch limit.
-- Partial, so rows enter it once, when they finish, and the hot pending rows
-- never pay for it. Queries repeat the IN (...) term so SQLite can use it.
CREATE INDEX deliveries_finished ON deliveries (status, updated_at)
  WHERE status IN ('delivered', 'failed', 'cancelled');

-- Events that matched no endpoint have no delivery to be pruned with; this
-- finds the old ones without scanning the table.
CREATE INDEX events_created ON events (created_at);
