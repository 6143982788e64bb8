// Take a record off the relations it asserts; delete those no other record asserts.
MATCH (:Record {id: $id})-[:ASSERTS]->(:Node)-[e]->(:Node)
WHERE $id IN e.records
WITH e, [record IN e.records WHERE record <> $id] AS rest
FOREACH (_ IN CASE WHEN size(rest) = 0 THEN [1] ELSE [] END | DELETE e)
FOREACH (_ IN CASE WHEN size(rest) > 0 THEN [1] ELSE [] END | SET e.records = rest)
