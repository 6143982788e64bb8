// After a group's graphs are written, in one round trip:
// - what the Marquez-shaped reads find OpenLineage nodes by: type, namespace and name
//   (index node_openlineage_namespace), and when OpenLineage first and last named them;
// - every event recorded for each run of the group (its records assert the run's node), so
//   the run's times and state can be worked out from all of them, in any arrival order.
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
UNWIND $runs AS run
MATCH (x:Node {id: run})<-[:ASSERTS]-(r:Record {kind: 'openlineage_event'})
WHERE r.ol_run = run
RETURN run AS id, x.attrs AS attrs, collect([r.ol_event_type, r.ol_event_time]) AS events
