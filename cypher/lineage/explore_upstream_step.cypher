// One breadth-first hop of Provena's upstream explore: every PROV relation leaving the
// frontier nodes (Provena follows them all), never a record's ASSERTS.
UNWIND $frontier AS id
MATCH (n:Node {id: id})-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]->(m:Node)
RETURN n.id AS source, type(r) AS type, m.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
