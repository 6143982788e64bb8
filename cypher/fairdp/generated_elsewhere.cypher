// Which of these entities another activity already generated (a FAIR-DP re-run reports
// outputs an earlier run generated; PROV allows one generation per entity).
UNWIND $entity_ids AS entity_id
MATCH (:Node {id: entity_id})-[:WAS_GENERATED_BY]->(a:Node)
WHERE a.id <> $activity
RETURN DISTINCT entity_id AS entity, a.id AS activity
