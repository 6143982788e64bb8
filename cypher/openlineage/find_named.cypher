// Jobs or datasets by (namespace, name); a Marquez node id may be split several ways
// (namespaces hold ':'), so several candidate pairs are tried at once.
UNWIND $pairs AS pair
MATCH (n:Node {ol_type: $type, ol_namespace: pair.namespace, ol_name: pair.name})
RETURN n.id AS id, n.ol_namespace AS namespace, n.ol_name AS name
