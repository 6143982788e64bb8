// Provena's effected agents: any PROV relation from the given nodes to an agent, one hop.
UNWIND $ids AS id
MATCH (n:Node {id: id})-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]->(a:Agent)
RETURN n.id AS source, type(r) AS type, a.id AS target, elementId(r) AS rel, r.attrs AS attrs,
       a.id AS reached, [label IN labels(a) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       a.kind AS kind
