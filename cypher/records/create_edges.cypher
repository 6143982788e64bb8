// The relations of a write that cannot be there yet: a plain CREATE, what a bare driver does.
// The writer sends here only relations with a node this transaction created (which no
// other transaction can see, so it has no relations yet) or keyed by a record written here
// (record ids are unique); records/upsert_edges writes the others.
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
CREATE (a)-[r:$(e.type)]->(b)
SET r.key = e.key, r.relation_id = e.relation_id, r.attrs = e.attrs, r.bundle = e.bundle,
    r.records = e.records
