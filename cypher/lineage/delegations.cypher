// Delegations between agents (actedOnBehalfOf), one hop from the attached agents; the
// caller keeps those whose activity is part of the lineage.
UNWIND $ids AS id
MATCH (a:Node {id: id})-[r:ACTED_ON_BEHALF_OF]->(b:Agent)
RETURN a.id AS source, type(r) AS type, b.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       b.id AS reached, [label IN labels(b) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       b.kind AS kind
