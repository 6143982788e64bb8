// The nodes a record asserts, with what that record itself said of them (not the union
// over every record), so the record's export is exactly what it registered.
MATCH (:Record {id: $id})-[a:ASSERTS]->(n:Node)
RETURN n.id AS id, a.classes AS classes, n.kind AS kind, a.attrs AS attrs, a.bundle AS bundle,
       n.start_time AS start_time, n.end_time AS end_time
ORDER BY id
