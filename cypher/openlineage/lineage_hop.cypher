// One hop of Marquez's job-dataset lineage. A job reads a dataset when one of its runs
// used the dataset or a version of it; it writes one when a run generated a version of it.
CALL () {
  UNWIND $jobs AS job
  MATCH (j:Node {id: job})<-[:USED]-(run:Node {ol_type: 'run'})-[:USED]->(x:Node)
  WHERE x.ol_type IN ['dataset', 'version']
  OPTIONAL MATCH (x)-[:SPECIALIZATION_OF]->(general:Node {ol_type: 'dataset'})
  RETURN DISTINCT coalesce(general, x).id AS dataset, j.id AS job, 'in' AS direction
  UNION
  UNWIND $jobs AS job
  MATCH (j:Node {id: job})<-[:USED]-(run:Node {ol_type: 'run'})
        <-[:WAS_GENERATED_BY]-(:Node)-[:SPECIALIZATION_OF]->(d:Node {ol_type: 'dataset'})
  RETURN DISTINCT d.id AS dataset, j.id AS job, 'out' AS direction
  UNION
  UNWIND $datasets AS dataset
  MATCH (d:Node {id: dataset})<-[:SPECIALIZATION_OF*0..1]-(:Node)<-[:USED]-(run:Node {ol_type: 'run'})
        -[:USED]->(j:Node {ol_type: 'job'})
  RETURN DISTINCT d.id AS dataset, j.id AS job, 'in' AS direction
  UNION
  UNWIND $datasets AS dataset
  MATCH (d:Node {id: dataset})<-[:SPECIALIZATION_OF]-(:Node)-[:WAS_GENERATED_BY]->
        (run:Node {ol_type: 'run'})-[:USED]->(j:Node {ol_type: 'job'})
  RETURN DISTINCT d.id AS dataset, j.id AS job, 'out' AS direction
}
RETURN dataset, job, direction
