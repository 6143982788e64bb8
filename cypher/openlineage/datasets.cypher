// Datasets as Marquez shows them: their own facets and those of their latest version.
UNWIND $ids AS id
MATCH (d:Node {id: id})
CALL (d) {
  OPTIONAL MATCH (d)<-[:SPECIALIZATION_OF]-(v:Node {ol_type: 'version'})-[:WAS_GENERATED_BY]->(w:Node)
  WITH v, w ORDER BY w.start_time DESC, v.id DESC LIMIT 1
  RETURN v.ol_version AS version, v.attrs AS version_attrs,
         coalesce(w.end_time, w.start_time) AS modified_at
}
RETURN d.id AS id, d.ol_namespace AS namespace, d.ol_name AS name, d.attrs AS attrs,
       d.ol_created_at AS created_at, d.ol_updated_at AS updated_at,
       version, version_attrs, modified_at
