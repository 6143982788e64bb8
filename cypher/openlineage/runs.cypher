// Runs as Marquez shows them, with the dataset versions they read and wrote.
UNWIND $ids AS id
MATCH (run:Node {id: id})
CALL (run) {
  OPTIONAL MATCH (run)-[:USED]->(x:Node)
  WHERE x.ol_type IN ['dataset', 'version']
  RETURN collect({namespace: x.ol_namespace, name: x.ol_name, version: x.ol_version,
                  attrs: x.attrs}) AS inputs
}
CALL (run) {
  OPTIONAL MATCH (run)<-[:WAS_GENERATED_BY]-(v:Node {ol_type: 'version'})
  RETURN collect({namespace: v.ol_namespace, name: v.ol_name, version: v.ol_version,
                  attrs: v.attrs}) AS outputs
}
RETURN run.id AS id, run.attrs AS attrs, run.start_time AS start_time,
       run.end_time AS end_time, run.ol_state AS state,
       run.ol_created_at AS created_at, run.ol_updated_at AS updated_at, inputs, outputs
