// After a group's graphs are written, in one round trip:
// - what the Marquez-shaped reads find OpenLineage nodes by: type, namespace and name
//   (index node_openlineage_namespace), and when OpenLineage first and last named them;
// - each run's settled times, state and attributes (worked out from all its events).
CALL () {
  UNWIND $tags AS t
  MATCH (x:Node {id: t.id})
  SET x.ol_type = t.type,
      x.ol_namespace = coalesce(t.namespace, x.ol_namespace),
      x.ol_name = coalesce(t.name, x.ol_name),
      x.ol_version = coalesce(t.version, x.ol_version),
      x.ol_created_at = coalesce(x.ol_created_at, $now),
      x.ol_updated_at = $now
}
UNWIND $runs AS row
MATCH (x:Node {id: row.id})
SET x.start_time = row.start_time, x.end_time = row.end_time, x.ol_state = row.state,
    x.attrs = row.attrs
