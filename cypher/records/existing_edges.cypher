// Which relations of a write are there already (both their nodes existed before this
// transaction), with the records asserting them, by the rows' `i`. The source node is
// locked since merge_nodes (it writes the source of every relation that may be looked up,
// which takes the node's write lock until the commit; creating an ASSERTS relationship alone
// would not: a second transaction creating one to the same node does not wait), so no other
// writer adds or changes the relation before records/set_edge_records.
// A relation is the same relation when type, endpoints and key agree. It is looked for with
// a pattern comprehension, which always expands from the bound `a`: an OPTIONAL MATCH here
// was planned (on a young graph) as a scan of every relationship per row.
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
WITH e, [(a)-[r]->(b) WHERE type(r) = e.type AND r.key = e.key | r][0] AS old
WHERE old IS NOT NULL
RETURN e.i AS i, elementId(old) AS element_id, old.records AS records
