// One breadth-first hop of Provena's downstream explore: every PROV relation arriving at
// the frontier nodes, walked against edge direction.
UNWIND $frontier AS id
MATCH (n:Node {id: id})<-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]-(m:Node)
RETURN m.id AS source, type(r) AS type, n.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       m.id AS reached, [label IN labels(m) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       m.kind AS kind
