// The relations a record asserts: an edge lies between two nodes the record asserts.
MATCH (:Record {id: $id})-[:ASSERTS]->(x:Node)-[e]->(y:Node)
WHERE $id IN e.records
RETURN type(e) AS type, x.id AS source, y.id AS target, e.key AS key,
       e.relation_id AS relation_id, e.attrs AS attrs, e.bundle AS bundle
ORDER BY source, type, target, key
