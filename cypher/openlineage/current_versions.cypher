// For each run event, the version of each input dataset current at the run's time: the
// latest version written by another run that started at or before it (the run's earliest
// known time: its stored start or this event's time). No row when there is none.
UNWIND $requests AS q
OPTIONAL MATCH (me:Node {id: q.run})
WITH q, CASE WHEN me.start_time IS NOT NULL AND me.start_time < q.time
             THEN me.start_time ELSE q.time END AS at
UNWIND q.datasets AS dataset
MATCH (:Node {id: dataset})<-[:SPECIALIZATION_OF]-(v:Node)-[:WAS_GENERATED_BY]->(writer:Node)
WHERE writer.id <> q.run AND writer.start_time <= at
WITH q, dataset, v, writer ORDER BY writer.start_time DESC, v.id DESC
WITH q, dataset, collect(v.id)[0] AS version
RETURN q.key AS key, dataset, version
