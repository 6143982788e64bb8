// One page of the jobs or datasets of a namespace, by name, and how many there are.
MATCH (n:Node {ol_type: $type, ol_namespace: $namespace})
WITH n ORDER BY n.ol_name, n.id
WITH collect(n.id) AS ids
RETURN size(ids) AS total, ids[$offset..($offset + $limit)] AS ids
