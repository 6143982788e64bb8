// What the lineage response shows of each node found.
UNWIND $ids AS id
MATCH (n:Node {id: id})
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind, n.label AS label, n.start_time AS start_time, n.end_time AS end_time,
       n.attrs AS attrs
