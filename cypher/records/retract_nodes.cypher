// Take a record off the nodes it asserts; delete those no other record asserts. Their
// relations went with retract_edges: an edge is only asserted where its endpoints are.
MATCH (:Record {id: $id})-[a:ASSERTS]->(x:Node)
DELETE a
WITH DISTINCT x
WHERE NOT EXISTS { (:Record)-[:ASSERTS]->(x) }
DETACH DELETE x
