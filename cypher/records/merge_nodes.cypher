// Upsert the PROV nodes of a write, one row per node id (the records naming one id are
// merged into its row beforehand, so no row here meets another row's write); `n.asserts`
// lists the records asserting it, each with what it says.
// Returns what each node that already existed was before this write (by row index `i`), so
// conflicting kinds are caught; its attrs only when they differ from the row's. The plan's
// Eagers read a node before its lock is taken, so two writers that give one kind-less node
// two different kinds at the same moment can both pass (README: the write path). A node it
// does not return was created here: it has no relations but those this transaction
// gives it.
// The write's Record nodes are created first, in the same statement (one statement fewer
// per registration): a re-sent record id or idempotency key fails its unique constraint
// here, before any node is touched. The count is one row whatever the records, so the nodes
// below are written once.
UNWIND $records AS record
CREATE (r:Record)
SET r = record
WITH count(*) AS created
UNWIND $nodes AS n
MERGE (x:Node {id: n.id})
  ON CREATE SET x.fresh = true
WITH x, n, x.kind AS kind, x.attrs AS attrs, coalesce(x.fresh, false) AS fresh,
     [label IN labels(x) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes
// A node that was there is written (so locked until the commit) only when this write
// changes it or the row asks for the lock (`lock`, service/records/repository.py:
// GraphRows.of): most runs name a modeller and a template that every other run names too,
// and writing them every time made concurrent registrations queue on them.
FOREACH (_ IN CASE WHEN fresh OR n.lock
    OR any(class IN n.classes WHERE NOT class IN classes)
    OR (kind IS NULL AND n.kind IS NOT NULL)
    OR (x.label IS NULL AND n.label IS NOT NULL)
    OR coalesce(n.start_time <> x.start_time, n.start_time IS NOT NULL)
    OR coalesce(n.end_time <> x.end_time, n.end_time IS NOT NULL)
    OR (attrs IS NULL AND n.attrs IS NOT NULL) THEN [1] ELSE [] END |
  REMOVE x.fresh
  SET x:$(n.classes),
      x.kind = coalesce(x.kind, n.kind),
      x.label = coalesce(x.label, n.label),
      x.start_time = coalesce(n.start_time, x.start_time),
      x.end_time = coalesce(n.end_time, x.end_time),
      x.attrs = coalesce(x.attrs, n.attrs)
)
WITH x, n, kind, attrs, fresh, classes
CALL (x, n) {
  UNWIND n.asserts AS said
  MATCH (r:Record {id: said.record})
  // The record is new (or just retracted, on update): it asserts each node once.
  CREATE (r)-[a:ASSERTS]->(x)
  // What this record itself says of the node, for exact per-record exports (no `attrs`
  // sent: the same as the row's).
  SET a.bundle = said.bundle, a.attrs = coalesce(said.attrs, n.attrs), a.classes = said.classes
}
WITH n, fresh, kind, classes, attrs WHERE NOT fresh
RETURN n.i AS i, kind, classes, CASE WHEN attrs = n.attrs THEN null ELSE attrs END AS attrs
