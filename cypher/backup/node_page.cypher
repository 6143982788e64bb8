// One page of PROV nodes for a dump, keyset-paged by id (index-ordered, no SKIP): every
// label and every property, so a restore gives back exactly this node.
MATCH (n:Node)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN n.id AS key, labels(n) AS labels, properties(n) AS properties
ORDER BY key
