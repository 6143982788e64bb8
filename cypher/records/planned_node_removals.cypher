// The nodes a record asserts, and whether another record still asserts them.
MATCH (r:Record {id: $id})-[:ASSERTS]->(x:Node)
OPTIONAL MATCH (other:Record)-[:ASSERTS]->(x)
  WHERE other <> r
WITH x, collect(other.id) AS others
RETURN x.id AS id, x.kind AS kind, [label IN labels(x) WHERE label <> 'Node'] AS classes,
       others, size(others) = 0 AS removed
