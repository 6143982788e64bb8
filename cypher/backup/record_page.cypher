// One page of records for a dump, keyset-paged by id: body, history, who and when,
// idempotency key, sequence number, every property as stored.
MATCH (r:Record)
WHERE r.id > $after
WITH r ORDER BY r.id LIMIT $limit
RETURN r.id AS key, labels(r) AS labels, properties(r) AS properties
ORDER BY key
