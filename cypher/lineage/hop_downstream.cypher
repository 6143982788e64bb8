// One breadth-first hop downstream, used only when dataset versions lie on the walk (see
// walk): the lineage relations arriving at the frontier nodes, a dataset's versions, and
// a version's dataset (what read the dataset without naming a version may have read it).
// Each branch seeks the frontier's nodes in the id index. The hint names a seek: a plain
// index hint lets the planner scan the whole index and filter it instead, which it chose
// for some index statistics (seen in CI after about a thousand nodes were written).
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]-(m:Node)
USING INDEX SEEK n:Node(id)
RETURN DISTINCT m.id AS reached
UNION
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[:SPECIALIZATION_OF]-(m:Node {kind: 'DatasetVersion'})
USING INDEX SEEK n:Node(id)
RETURN DISTINCT m.id AS reached
UNION
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[:SPECIALIZATION_OF]->(m:Node)
USING INDEX SEEK n:Node(id)
WHERE n.kind = 'DatasetVersion'
RETURN DISTINCT m.id AS reached
