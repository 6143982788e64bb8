// Restore: PROV relations between nodes already restored, found by id (index seeks).
UNWIND $rows AS row
MATCH (a:Node {id: row.source})
MATCH (b:Node {id: row.target})
CREATE (a)-[e:$(row.type)]->(b)
SET e = row.properties
RETURN count(e) AS created
