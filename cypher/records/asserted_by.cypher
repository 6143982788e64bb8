// Which records assert a node (to name them in a conflict).
MATCH (r:Record)-[:ASSERTS]->(:Node {id: $id})
WHERE r.id <> $exclude
RETURN r.id AS record
ORDER BY r.created_at
LIMIT 3
