// One page of the whole graph: up to $limit nodes after $after in id order (keyset on the
// unique id index, no SKIP), each with the relations leaving it, as ONE row holding a list.
// The driver's per-row cost (a Bolt message and several awaits each) was most of an
// export's time; one list a page is decoded in one go by its packstream decoder.
// Relations come in a stable order (type, target, key): the export's bytes depend on the
// graph, never on the order Neo4j keeps relationships in (a restored database differs).
// A node sits in a bundle only when every record asserting it puts it there.
MATCH (n:Node)
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
WITH n, COLLECT { MATCH (:Record)-[a:ASSERTS]->(n) RETURN DISTINCT a.bundle } AS bundles
RETURN collect([
  n.id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']], n.kind, n.label,
  n.attrs, n.start_time, n.end_time, CASE WHEN size(bundles) = 1 THEN bundles[0] END,
  COLLECT {
    MATCH (n)-[e]->(y:Node)
    WITH e, y ORDER BY type(e), y.id, e.key
    RETURN [type(e), y.id, e.key, e.relation_id, e.attrs, e.bundle]
  }
]) AS page
