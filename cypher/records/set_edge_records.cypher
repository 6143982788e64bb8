// The records asserting relations found by records/existing_edges, as the writer merged them.
UNWIND $rows AS row
MATCH ()-[r]->()
WHERE elementId(r) = row.element_id
SET r.records = row.records
