// The relations leaving a set of nodes (a page of the whole graph, or a lineage result),
// in a stable order: the export's bytes depend on the graph, never on the order Neo4j
// happens to keep relationships in (a restored database keeps them in another).
UNWIND $ids AS id
MATCH (x:Node {id: id})-[e]->(y:Node)
RETURN type(e) AS type, x.id AS source, y.id AS target, e.key AS key,
       e.relation_id AS relation_id, e.attrs AS attrs, e.bundle AS bundle
ORDER BY source, type, target, key
