// One node for the details panel: what it is, its attributes, and the records that assert it
// (who registered them and when), oldest first.
MATCH (n:Node {id: $id})
OPTIONAL MATCH (r:Record)-[:ASSERTS]->(n)
WITH n, r ORDER BY r.created_at
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind, n.label AS label, n.start_time AS start_time, n.end_time AS end_time,
       n.attrs AS attrs,
       [record IN collect(r) | record {.id, .kind, .created_by, .created_at, .updated_by,
                                       .updated_at, .version}] AS records
