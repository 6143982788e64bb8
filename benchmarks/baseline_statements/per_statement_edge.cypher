// The pattern we replace: one auto-committed MERGE per relation.
MATCH (a:Node {id: $source})
MATCH (b:Node {id: $target})
MERGE (a)-[r:$($type)]->(b)
SET r.attrs = $attrs
