// The relations a lineage question found, by element id (lineage scopes): exactly those,
// never every relation between its nodes. A relation deleted since is simply not found.
UNWIND $ids AS rel
MATCH (x:Node)-[e]->(y:Node)
WHERE elementId(e) = rel
RETURN type(e) AS type, x.id AS source, y.id AS target, e.key AS key,
       e.relation_id AS relation_id, e.attrs AS attrs, e.bundle AS bundle
ORDER BY source, type, target, key
