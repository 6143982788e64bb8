// Upsert PROV relations. The endpoints are already locked by merge_nodes (a new ASSERTS
// relationship locks them), so looking for an existing edge here cannot race.
// A relation is the same relation when type, endpoints and key agree. It is looked for with
// a pattern comprehension, which always expands from the bound `a`: an OPTIONAL MATCH here
// was planned (on a young graph) as a scan of every relationship per row.
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
WITH a, b, e, [(a)-[r]->(b) WHERE type(r) = e.type AND r.key = e.key | r][0] AS old
CALL (a, b, e, old) {
  WITH a, b, e, old WHERE old IS NULL
  CREATE (a)-[new:$(e.type)]->(b)
  SET new.key = e.key, new.relation_id = e.relation_id, new.attrs = e.attrs,
      new.bundle = e.bundle, new.records = [e.record]
  RETURN 1 AS created
  UNION
  WITH a, b, e, old WHERE old IS NOT NULL
  SET old.records = CASE WHEN e.record IN old.records THEN old.records ELSE old.records + e.record END
  RETURN 0 AS created
}
RETURN sum(created) AS created
