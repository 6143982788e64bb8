// The namespaces OpenLineage jobs and datasets live in, with when they were first and
// last named (index node_openlineage_namespace).
MATCH (n:Node)
WHERE n.ol_type IN ['job', 'dataset'] AND n.ol_namespace IS NOT NULL
RETURN n.ol_namespace AS name, min(n.ol_created_at) AS created_at,
       max(n.ol_updated_at) AS updated_at
ORDER BY name
