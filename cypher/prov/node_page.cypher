// One page of the whole graph's nodes, keyset-paged by id (index-ordered, no SKIP).
// A node sits in a bundle only when every record asserting it puts it there.
MATCH (n:Node)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
WITH n, COLLECT { MATCH (:Record)-[a:ASSERTS]->(n) RETURN DISTINCT a.bundle } AS bundles
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind, n.label AS label, n.attrs AS attrs, n.start_time AS start_time,
       n.end_time AS end_time, CASE WHEN size(bundles) = 1 THEN bundles[0] END AS bundle
ORDER BY id
