// Raw-driver ceiling for single writes from concurrent sessions: two runs written at once may
// share a node, so each node is MERGEd on its id (the unique constraint's lock), then set.
UNWIND $nodes AS n
MERGE (x:Node {id: n.id})
SET x:$(n.classes), x.kind = n.kind, x.label = n.label, x.start_time = n.start_time,
    x.end_time = n.end_time, x.attrs = n.attrs
