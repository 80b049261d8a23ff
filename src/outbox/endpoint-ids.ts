/**
 * @module outbox/endpoint-ids
 * The endpoint ids that have deliveries stored, configured or not, found by
 * skipping through the (endpoint_id, status) index one id at a time: one seek
 * per id, however many rows each holds. Statements that look at a status
 * across every endpoint start from it, because no index on status alone
 * exists: each delivery would pay for one on every change of status.
 */

/** A WITH clause defining `endpoint_ids(id)`, ascending; its last row is NULL (filter with `id IS NOT NULL`). */
export const WITH_ENDPOINT_IDS = `WITH RECURSIVE endpoint_ids(id) AS (
  SELECT MIN(endpoint_id) FROM deliveries
  UNION ALL
  SELECT (SELECT MIN(endpoint_id) FROM deliveries WHERE endpoint_id > endpoint_ids.id) FROM endpoint_ids WHERE endpoint_ids.id IS NOT NULL
)`;

/** Every endpoint id with at least one delivery, ascending. */
export const ENDPOINT_IDS_SQL = `${WITH_ENDPOINT_IDS} SELECT id FROM endpoint_ids WHERE id IS NOT NULL`;
