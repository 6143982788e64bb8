// What the whole-graph export needs from every record besides nodes and edges: the
// namespaces declared and the notes kept (imported documents only), oldest first.
MATCH (r:Record)
WHERE r.namespaces IS NOT NULL OR r.dangling IS NOT NULL
RETURN r.id AS id, r.namespaces AS namespaces, r.dangling AS dangling
ORDER BY r.created_at, r.id
