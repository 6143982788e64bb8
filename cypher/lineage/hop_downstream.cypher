// One breadth-first hop downstream, used only when dataset versions lie on the walk (see
// walk): the lineage relations arriving at the frontier nodes, a dataset's versions, and
// a version's dataset (what read the dataset without naming a version may have read it).
// Each branch starts at the frontier's nodes by the id index (the hint keeps the planner
// from starting elsewhere when the graph's statistics are near empty).
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]-(m:Node)
USING INDEX n:Node(id)
RETURN DISTINCT m.id AS reached
UNION
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[:SPECIALIZATION_OF]-(m:Node {kind: 'DatasetVersion'})
USING INDEX n:Node(id)
RETURN DISTINCT m.id AS reached
UNION
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[:SPECIALIZATION_OF]->(m:Node)
USING INDEX n:Node(id)
WHERE n.kind = 'DatasetVersion'
RETURN DISTINCT m.id AS reached
