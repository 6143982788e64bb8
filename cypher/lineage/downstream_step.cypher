// One breadth-first hop downstream: the lineage relations arriving at the frontier nodes,
// walked against edge direction (what depends on them). A dataset also leads to its
// versions (see upstream_step), so what read any version of it is downstream of it.
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]-(m:Node)
RETURN m.id AS source, type(r) AS type, n.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
UNION ALL
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[r:SPECIALIZATION_OF]-(m:Node {kind: 'DatasetVersion'})
RETURN m.id AS source, type(r) AS type, n.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
UNION ALL
// ...and a version leads to its dataset: what read the dataset without naming a version
// may have read this one.
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[r:SPECIALIZATION_OF]->(m:Node)
WHERE n.kind = 'DatasetVersion'
RETURN n.id AS source, type(r) AS type, m.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
