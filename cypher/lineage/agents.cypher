// The agents responsible for lineage nodes (association, attribution): attached to the
// nodes, never walked through.
UNWIND $ids AS id
MATCH (n:Node {id: id})-[r:WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO]->(a:Agent)
RETURN n.id AS source, type(r) AS type, a.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       a.id AS reached, [label IN labels(a) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       a.kind AS kind
