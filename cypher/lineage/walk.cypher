MATCH (root:Node {id: $id})
CALL (root) {
  WITH root WHERE $upstream
  MATCH p = (root)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..100]->(x)
  RETURN x, min(length(p)) AS upstream, null AS downstream
  UNION ALL
  WITH root WHERE $downstream
  MATCH p = (root)<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..100]-(x)
  RETURN x, null AS upstream, min(length(p)) AS downstream
}
WITH x, min(upstream) AS upstream, min(downstream) AS downstream
WITH x, CASE WHEN upstream <= $depth THEN upstream END AS upstream,
     CASE WHEN downstream <= $depth THEN downstream END AS downstream
WHERE upstream IS NOT NULL OR downstream IS NOT NULL
WITH x, upstream, downstream,
     CASE WHEN downstream IS NULL OR upstream < downstream THEN upstream ELSE downstream END AS distance
ORDER BY distance, x.id
LIMIT $limit + 1
WITH collect({node: x, upstream: upstream, downstream: downstream}) AS walked
CALL (walked) {
  UNWIND walked AS w
  WITH w.node AS x, w.upstream AS upstream, w.downstream AS downstream
  RETURN x, true AS walked, upstream, downstream,
         COLLECT {
           MATCH (x)-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]->(y:Node)
           WHERE upstream < $depth
           RETURN {direction: 'upstream', source: x.id, type: type(r), target: y.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id}
         } + COLLECT {
           MATCH (x)<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]-(y:Node)
           WHERE downstream < $depth
           RETURN {direction: 'downstream', source: y.id, type: type(r), target: x.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id}
         } AS steps,
         COLLECT {
           MATCH (x)-[r:WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO]->(a:Agent)
           WHERE $agents
           RETURN {source: x.id, type: type(r), target: a.id, rel: elementId(r), attrs: r.attrs,
                   reached: a.id}
         } AS agent_steps
  UNION ALL
  UNWIND walked AS w
  WITH w.node AS n
  MATCH (n)-[:WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO]->(a:Agent)
  WHERE $agents
  WITH DISTINCT a AS x
  RETURN x, false AS walked, null AS upstream, null AS downstream, [] AS steps,
         COLLECT {
           MATCH (x)-[r:ACTED_ON_BEHALF_OF]->(b:Agent)
           RETURN {source: x.id, type: type(r), target: b.id, rel: elementId(r), attrs: r.attrs,
                   reached: b.id}
         } AS agent_steps
}
RETURN x.id AS id, walked, [label IN labels(x) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       x.kind AS kind, x.label AS label, x.start_time AS start_time, x.end_time AS end_time,
       x.attrs AS attrs, upstream, downstream, steps, agent_steps
