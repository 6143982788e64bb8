// Restore: nodes of any kind (PROV nodes, records, counters) exactly as dumped. The database
// was checked empty, so CREATE, not MERGE; the unique constraints still refuse a duplicate.
UNWIND $rows AS row
CREATE (n)
SET n = row.properties
SET n:$(row.labels)
RETURN count(n) AS created
