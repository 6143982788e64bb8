// A record's export metadata, without its (possibly large) body.
MATCH (r:Record {id: $id})
RETURN r.id AS id, r.kind AS kind, r.namespaces AS namespaces, r.dangling AS dangling
