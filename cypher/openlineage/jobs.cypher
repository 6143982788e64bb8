// Jobs as Marquez shows them: the datasets their runs read and wrote, their latest run.
UNWIND $ids AS id
MATCH (j:Node {id: id})
CALL (j) {
  OPTIONAL MATCH (j)<-[:USED]-(run:Node {ol_type: 'run'})-[:USED]->(x:Node)
  WHERE x.ol_type IN ['dataset', 'version']
  OPTIONAL MATCH (x)-[:SPECIALIZATION_OF]->(general:Node {ol_type: 'dataset'})
  WITH coalesce(general, x) AS d WHERE d IS NOT NULL
  RETURN collect(DISTINCT {namespace: d.ol_namespace, name: d.ol_name}) AS inputs
}
CALL (j) {
  OPTIONAL MATCH (j)<-[:USED]-(run:Node {ol_type: 'run'})
                 <-[:WAS_GENERATED_BY]-(:Node)-[:SPECIALIZATION_OF]->(d:Node {ol_type: 'dataset'})
  RETURN collect(DISTINCT {namespace: d.ol_namespace, name: d.ol_name}) AS outputs
}
CALL (j) {
  OPTIONAL MATCH (j)<-[:USED]-(run:Node {ol_type: 'run'})
  WITH run ORDER BY run.start_time DESC, run.id DESC LIMIT 1
  RETURN run.id AS latest_run
}
RETURN j.id AS id, j.ol_namespace AS namespace, j.ol_name AS name, j.attrs AS attrs,
       j.ol_created_at AS created_at, j.ol_updated_at AS updated_at,
       inputs, outputs, latest_run
