// What a group of events needs before it is written, in one round trip:
// - the OpenLineage write counter, incremented: its lock, held to the commit, makes the
//   groups of every API process write one after another (README: OpenLineage,
//   `POST /api/v1/lineage`), so what is read here stays true until the group commits;
// - which of the events are recorded already (a re-sent event writes nothing);
// - each run of the group (`runs`) as it is now: its attributes and every event recorded
//   for it, from which the run's times and state are worked out after the write;
// - for each run event (`key`: its place in the group), the version of each of its input
//   datasets current at the run's time: the latest version written by another run that
//   started at or before it (the run's earliest known time: its stored start or this
//   event's time). No entry when there is none.
MERGE (groups:Counter {name: 'openlineage_groups'})
  ON CREATE SET groups.value = 0
SET groups.value = groups.value + 1
WITH groups
CALL () {
  UNWIND $ids AS id
  MATCH (r:Record {id: id})
  RETURN collect(r.id) AS recorded
}
CALL () {
  UNWIND $runs AS run
  MATCH (x:Node {id: run})
  OPTIONAL MATCH (x)<-[:ASSERTS]-(r:Record {kind: 'openlineage_event'})
  WHERE r.ol_run = run
  WITH run, x, collect([r.ol_event_type, r.ol_event_time]) AS events
  RETURN collect({id: run, attrs: x.attrs, events: events}) AS runs
}
CALL () {
  UNWIND $requests AS q
  OPTIONAL MATCH (me:Node {id: q.run})
  WITH q, CASE WHEN me.start_time IS NOT NULL AND me.start_time < q.time
               THEN me.start_time ELSE q.time END AS at
  UNWIND q.datasets AS dataset
  MATCH (:Node {id: dataset})<-[:SPECIALIZATION_OF]-(v:Node)-[:WAS_GENERATED_BY]->(writer:Node)
  WHERE writer.id <> q.run AND writer.start_time <= at
  WITH q, dataset, v, writer ORDER BY writer.start_time DESC, v.id DESC
  WITH q, dataset, collect(v.id)[0] AS version
  RETURN collect({key: q.key, dataset: dataset, version: version}) AS versions
}
RETURN recorded, runs, versions
