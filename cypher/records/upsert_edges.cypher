// The relations of a write that may be there already (both their nodes existed before this
// transaction, and the relation is not keyed by a record written here). One that is there
// (type, endpoints and key agree) takes the write's records; the others are created. The
// source node is locked since merge_nodes (it writes the source of every relation that may
// be looked up, which takes the node's write lock until the commit; creating an ASSERTS
// relationship alone would not: a second transaction creating one to the same node does
// not wait), so no other writer adds or changes the relation meanwhile.
// A relation is looked for with a pattern comprehension, which always expands from the
// bound `a`: an OPTIONAL MATCH here was planned (on a young graph) as a scan of every
// relationship per row. Reading and writing relations in one statement plans with an
// Eager (every row is read before the first write); the writer sends here only the
// relations that may be there, usually few (records/create_edges writes the others).
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
WITH e, a, b, [(a)-[r]->(b) WHERE type(r) = e.type AND r.key = e.key | r][0] AS old
CALL (e, old) {
  WITH e, old WHERE old IS NOT NULL
  SET old.records = old.records + [record IN e.records WHERE NOT record IN old.records]
}
WITH e, a, b, old WHERE old IS NULL
CREATE (a)-[r:$(e.type)]->(b)
SET r.key = e.key, r.relation_id = e.relation_id, r.attrs = e.attrs, r.bundle = e.bundle,
    r.records = e.records
