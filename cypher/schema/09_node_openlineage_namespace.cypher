// OpenLineage jobs and datasets by namespace and name (Marquez-shaped reads).
CREATE INDEX node_openlineage_namespace IF NOT EXISTS FOR (n:Node) ON (n.ol_type, n.ol_namespace, n.ol_name)
