// Runs of both dialects, newest first, keyset-paged by (start_time, id). Each branch starts
// from an index: the dataset or agent by id when given, else activities by start time.
CALL () {
  WITH $dataset AS dataset WHERE dataset IS NOT NULL
  MATCH (:Node {id: dataset})-[:USED|WAS_GENERATED_BY]-(run:Activity)
  RETURN DISTINCT run
  UNION
  WITH $agent AS agent WHERE $dataset IS NULL AND agent IS NOT NULL
  MATCH (:Node {id: agent})<-[:WAS_ASSOCIATED_WITH]-(run:Activity)
  RETURN DISTINCT run
  UNION
  WITH 1 AS all WHERE $dataset IS NULL AND $agent IS NULL
  MATCH (run:Activity) WHERE run.start_time IS NOT NULL
  RETURN run
}
WITH run
WHERE run.kind IN $kinds
  AND ($since IS NULL OR run.start_time >= $since)
  AND ($until IS NULL OR run.start_time <= $until)
  AND ($agent IS NULL OR EXISTS { (run)-[:WAS_ASSOCIATED_WITH]->(:Node {id: $agent}) })
  AND ($after_time IS NULL OR run.start_time < $after_time
       OR (run.start_time = $after_time AND run.id < $after_id))
RETURN run.id AS id, run.kind AS kind, run.label AS label,
       run.start_time AS start_time, run.end_time AS end_time
ORDER BY start_time DESC, id DESC
LIMIT $limit
