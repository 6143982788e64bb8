// Nodes by id with the union of what every record asserted (lineage scopes).
UNWIND $ids AS id
MATCH (n:Node {id: id})
WITH n, COLLECT { MATCH (:Record)-[a:ASSERTS]->(n) RETURN DISTINCT a.bundle } AS bundles
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind, n.label AS label, n.attrs AS attrs, n.start_time AS start_time,
       n.end_time AS end_time, CASE WHEN size(bundles) = 1 THEN bundles[0] END AS bundle
