// A Provena explore query in one statement: every PROV relation followed, in its
// direction (upstream) or against it (downstream), breadth-first over distinct nodes
// inside Neo4j as in lineage/walk (the pruning BFS yields each node's distance; no path
// is enumerated). Explore depths are at most 10, the one literal bound. The nearest
// $limit + 1 nodes (ties by id), each with the relations it leads on by below the depth
// and, for the effected-agents query ($agents), its relations to agents.
MATCH (root:Node {id: $id})
CALL (root) {
  WITH root WHERE $upstream
  MATCH p = (root)-[:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF*0..10]->(x)
  RETURN x, min(length(p)) AS upstream, null AS downstream
  UNION ALL
  WITH root WHERE $downstream
  MATCH p = (root)<-[:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF*0..10]-(x)
  RETURN x, null AS upstream, min(length(p)) AS downstream
}
WITH x, min(upstream) AS upstream, min(downstream) AS downstream
WITH x, CASE WHEN upstream <= $depth THEN upstream END AS upstream,
     CASE WHEN downstream <= $depth THEN downstream END AS downstream
WHERE upstream IS NOT NULL OR downstream IS NOT NULL
ORDER BY coalesce(upstream, downstream), x.id  // one direction per query
LIMIT $limit + 1
RETURN x.id AS id, true AS walked,
       [label IN labels(x) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       x.kind AS kind, upstream, downstream,
       COLLECT {
         MATCH (x)-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]->(y:Node)
         WHERE upstream < $depth
         RETURN {direction: 'upstream', source: x.id, type: type(r), target: y.id,
                 rel: elementId(r), attrs: r.attrs, reached: y.id}
       } + COLLECT {
         MATCH (x)<-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]-(y:Node)
         WHERE downstream < $depth
         RETURN {direction: 'downstream', source: y.id, type: type(r), target: x.id,
                 rel: elementId(r), attrs: r.attrs, reached: y.id}
       } AS steps,
       COLLECT {
         MATCH (x)-[r:USED|WAS_GENERATED_BY|WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO|ACTED_ON_BEHALF_OF|WAS_INFORMED_BY|WAS_DERIVED_FROM|WAS_INFLUENCED_BY|HAD_MEMBER|WAS_STARTED_BY|WAS_ENDED_BY|WAS_INVALIDATED_BY|SPECIALIZATION_OF|ALTERNATE_OF|MENTION_OF]->(a:Agent)
         WHERE $agents
         RETURN {source: x.id, type: type(r), target: a.id, rel: elementId(r), attrs: r.attrs,
                 reached: a.id, kind: a.kind,
                 classes: [label IN labels(a) WHERE label IN ['Entity', 'Activity', 'Agent']]}
       } AS agent_steps
