// A lineage question (/lineage, /prov's lineage scopes) in one statement, whatever the
// depth: every node within $depth, nearest first, with its distance in each direction,
// its details, the relations it leads on by and the agents attached.
//
// The walk is breadth-first over distinct nodes inside Neo4j: `min(length(p))` of a
// variable-length match whose paths are never used lets the planner run its pruning BFS
// (VarLengthExpand(Pruning,BFS)), which visits each node once and yields its distance;
// a path is never enumerated (that doubles per stacked diamond). Cypher takes no
// parameter as a length bound, so each direction has a branch per bound (10, 100, none)
// and only the first that covers $depth runs. With $found the caller has walked already
// (dataset versions, see `steps` below) and gives each node's distances instead.
MATCH (root:Node {id: $id})
CALL (root) {
  WITH root WHERE $found IS NULL AND $upstream AND $depth <= 10
  MATCH p = (root)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..10]->(x)
  RETURN x, min(length(p)) AS upstream, null AS downstream
  UNION ALL
  WITH root WHERE $found IS NULL AND $upstream AND 10 < $depth <= 100
  MATCH p = (root)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..100]->(x)
  RETURN x, min(length(p)) AS upstream, null AS downstream
  UNION ALL
  WITH root WHERE $found IS NULL AND $upstream AND $depth > 100
  MATCH p = (root)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..]->(x)
  RETURN x, min(length(p)) AS upstream, null AS downstream
  UNION ALL
  WITH root WHERE $found IS NULL AND $downstream AND $depth <= 10
  MATCH p = (root)<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..10]-(x)
  RETURN x, null AS upstream, min(length(p)) AS downstream
  UNION ALL
  WITH root WHERE $found IS NULL AND $downstream AND 10 < $depth <= 100
  MATCH p = (root)<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..100]-(x)
  RETURN x, null AS upstream, min(length(p)) AS downstream
  UNION ALL
  WITH root WHERE $found IS NULL AND $downstream AND $depth > 100
  MATCH p = (root)<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*0..]-(x)
  RETURN x, null AS upstream, min(length(p)) AS downstream
  UNION ALL
  UNWIND coalesce($found, []) AS found
  MATCH (x:Node {id: found.id})
  RETURN x, found.upstream AS upstream, found.downstream AS downstream
}
WITH x, min(upstream) AS upstream, min(downstream) AS downstream
WITH x, CASE WHEN upstream <= $depth THEN upstream END AS upstream,
     CASE WHEN downstream <= $depth THEN downstream END AS downstream
WHERE upstream IS NOT NULL OR downstream IS NOT NULL
// The nearest $limit + 1 (ties by id): one more than the limit says whether it cut.
ORDER BY CASE WHEN downstream IS NULL OR upstream < downstream THEN upstream ELSE downstream END,
         x.id
LIMIT $limit + 1
WITH collect({node: x, upstream: upstream, downstream: downstream}) AS nearest
CALL (nearest) {
  UNWIND nearest AS found
  WITH found.node AS x, found.upstream AS upstream, found.downstream AS downstream
  RETURN x, true AS walked, upstream, downstream,
         // The relations a walk crosses: those leading on from a node below the depth.
         // A dataset leads to its versions (specializationOf, walked backwards) both ways,
         // and downstream a version to its dataset: lineage asked of a table OpenLineage
         // runs write covers every version. The BFS above takes no such hop: when one
         // leads on from the walk, the caller walks again hop by hop and gives $found.
         COLLECT {
           MATCH (x)-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]->(y:Node)
           WHERE upstream < $depth
           RETURN {direction: 'upstream', source: x.id, type: type(r), target: y.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id} AS step
           UNION ALL
           MATCH (x)<-[r:SPECIALIZATION_OF]-(y:Node {kind: 'DatasetVersion'})
           WHERE upstream < $depth
           RETURN {direction: 'upstream', source: y.id, type: type(r), target: x.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id} AS step
           UNION ALL
           MATCH (x)<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]-(y:Node)
           WHERE downstream < $depth
           RETURN {direction: 'downstream', source: y.id, type: type(r), target: x.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id} AS step
           UNION ALL
           MATCH (x)<-[r:SPECIALIZATION_OF]-(y:Node {kind: 'DatasetVersion'})
           WHERE downstream < $depth
           RETURN {direction: 'downstream', source: y.id, type: type(r), target: x.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id} AS step
           UNION ALL
           MATCH (x)-[r:SPECIALIZATION_OF]->(y:Node)
           WHERE downstream < $depth AND x.kind = 'DatasetVersion'
           RETURN {direction: 'downstream', source: x.id, type: type(r), target: y.id,
                   rel: elementId(r), attrs: r.attrs, reached: y.id} AS step
         } AS steps,
         COLLECT {
           MATCH (x)-[r:WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO]->(a:Agent)
           WHERE $agents
           RETURN {source: x.id, type: type(r), target: a.id, rel: elementId(r), attrs: r.attrs,
                   reached: a.id}
         } AS agent_steps
  UNION ALL
  // The agents attached to the walk's nodes (not walked through), with their delegations.
  // Each found from its node: a scan of every agent joined to the walk would be cheaper
  // only while agents are few.
  UNWIND nearest AS found
  WITH found.node AS n WHERE $agents
  UNWIND COLLECT { MATCH (n)-[:WAS_ASSOCIATED_WITH|WAS_ATTRIBUTED_TO]->(a:Agent) RETURN a } AS a
  WITH DISTINCT a AS x
  RETURN x, false AS walked, null AS upstream, null AS downstream, [] AS steps,
         COLLECT {
           MATCH (x)-[r:ACTED_ON_BEHALF_OF]->(b:Agent)
           RETURN {source: x.id, type: type(r), target: b.id, rel: elementId(r), attrs: r.attrs,
                   reached: b.id}
         } AS agent_steps
}
RETURN x.id AS id, walked,
       [label IN labels(x) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       x.kind AS kind, x.label AS label, x.start_time AS start_time, x.end_time AS end_time,
       x.attrs AS attrs, upstream, downstream, steps, agent_steps
