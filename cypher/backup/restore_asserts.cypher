// Restore: which record asserts which node, with what that record said of it.
UNWIND $rows AS row
MATCH (r:Record {id: row.record})
MATCH (x:Node {id: row.node})
CREATE (r)-[a:ASSERTS]->(x)
SET a = row.properties
RETURN count(a) AS created
