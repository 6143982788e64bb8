// Tests: every PROV relation as (source, type, target).
MATCH (a:Node)-[e]->(b:Node)
RETURN a.id AS source, type(e) AS type, b.id AS target
