// The relations a record asserts, and whether removing the record removes them (no other
// record asserts them) or only takes the record off them.
MATCH (:Record {id: $id})-[:ASSERTS]->(x:Node)-[e]->(y:Node)
WHERE $id IN e.records
RETURN x.id AS source, y.id AS target, type(e) AS type, e.records AS records,
       size(e.records) = 1 AS removed
