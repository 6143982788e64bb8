// The relations of a write that may be there already (both nodes existed before this
// transaction): those found take the write's records; the rows returned are the ones found,
// and records/create_edges creates the rest. Both nodes are locked since merge_nodes (a new
// ASSERTS relationship locks them), so no other writer adds the relation meanwhile.
// A relation is the same relation when type, endpoints and key agree. It is looked for with
// a pattern comprehension, which always expands from the bound `a`: an OPTIONAL MATCH here
// was planned (on a young graph) as a scan of every relationship per row.
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
WITH e, [(a)-[r]->(b) WHERE type(r) = e.type AND r.key = e.key | r][0] AS old
WHERE old IS NOT NULL
SET old.records = old.records + [record IN e.records WHERE NOT record IN old.records]
RETURN e.i AS i
