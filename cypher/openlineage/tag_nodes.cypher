// What the Marquez-shaped reads find OpenLineage nodes by: type, namespace and name (index
// node_openlineage_namespace), and when OpenLineage first and last named them.
UNWIND $tags AS t
MATCH (x:Node {id: t.id})
SET x.ol_type = t.type,
    x.ol_namespace = coalesce(t.namespace, x.ol_namespace),
    x.ol_name = coalesce(t.name, x.ol_name),
    x.ol_version = coalesce(t.version, x.ol_version),
    x.ol_created_at = coalesce(x.ol_created_at, $now),
    x.ol_updated_at = $now
