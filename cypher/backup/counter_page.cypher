// One page of sequence counters for a dump (FAIR-DP's integer ids), keyset-paged by name.
MATCH (c:Counter)
WHERE c.name > $after
WITH c ORDER BY c.name LIMIT $limit
RETURN c.name AS key, labels(c) AS labels, properties(c) AS properties
ORDER BY key
