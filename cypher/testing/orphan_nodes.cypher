// Tests: nodes that no record asserts (there should be none).
MATCH (n:Node)
WHERE NOT EXISTS { (:Record)-[:ASSERTS]->(n) }
RETURN count(n) AS orphans
