// One breadth-first hop upstream, used only when dataset versions lie on the walk (see
// walk): the lineage relations leaving the frontier nodes, and a dataset's versions.
// Each branch starts at the frontier's nodes by the id index (the hint keeps the planner
// from starting elsewhere when the graph's statistics are near empty).
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]->(m:Node)
USING INDEX n:Node(id)
RETURN DISTINCT m.id AS reached
UNION
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[:SPECIALIZATION_OF]-(m:Node {kind: 'DatasetVersion'})
USING INDEX n:Node(id)
RETURN DISTINCT m.id AS reached
