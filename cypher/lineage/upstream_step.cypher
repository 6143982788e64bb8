// One breadth-first hop upstream: the lineage relations leaving the frontier nodes, in
// edge direction (what they depend on). Index seek per frontier id, one hop, no paths.
// A dataset also leads to its versions (specializationOf, walked backwards): lineage
// asked of a dataset OpenLineage runs write over time covers every version.
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]->(m:Node)
RETURN n.id AS source, type(r) AS type, m.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
UNION ALL
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[r:SPECIALIZATION_OF]-(m:Node {kind: 'DatasetVersion'})
RETURN m.id AS source, type(r) AS type, n.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
