-- deliveries is a queue: each delivery's row is updated twice (leased,
-- finished), and as status is in its indexes neither update is HOT, so each
-- leaves a dead row version and dead entries in five indexes. Claims walk
-- deliveries_due from its front, stepping over every dead entry until a
-- vacuum removes them (after a 20,000-event drain: 37,423 dead row versions,
-- 102 index pages read to find no pending row). The defaults wait for 20% of
-- the table to be dead, and the table grows with the history retention keeps,
-- so the wait grows with it: a million rows kept, 200,000 dead first.
-- Here a vacuum is due past 1,000 dead rows plus 1% of the table. The insert
-- threshold (PostgreSQL 13+) is set alike, so that a table growing by ingest
-- while its rows wait (a held endpoint, a backlog due later) is vacuumed and
-- frozen in small steps, not in one anti-wraparound vacuum of it all. The
-- cost limit is raised from the 200 that autovacuum's workers share
-- (vacuum_cost_limit), so that a vacuum of this table keeps up with the rate
-- the claims and outcomes dirty its pages instead of sleeping most of its
-- time. How often autovacuum looks (autovacuum_naptime, one minute by
-- default) is the server's to set, not a table's.
ALTER TABLE deliveries SET (
  autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_cost_limit = 2000
);
