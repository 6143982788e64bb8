// The version of each dataset current at a run's time: the latest version written by
// another run that started at or before it (the run's earliest known time: its stored
// start or this event's time). Datasets without such a version get no row.
OPTIONAL MATCH (me:Node {id: $run})
WITH CASE WHEN me.start_time IS NOT NULL AND me.start_time < $time THEN me.start_time ELSE $time END AS at
UNWIND $datasets AS dataset
MATCH (:Node {id: dataset})<-[:SPECIALIZATION_OF]-(v:Node)-[:WAS_GENERATED_BY]->(writer:Node)
WHERE writer.id <> $run AND writer.start_time <= at
WITH dataset, v, writer ORDER BY writer.start_time DESC, v.id DESC
WITH dataset, collect(v.id)[0] AS version
RETURN dataset, version
