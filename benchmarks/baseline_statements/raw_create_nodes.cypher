// Raw-driver ceiling: each PROV node once (de-duplicated in Python beforehand), plain CREATE.
UNWIND $nodes AS n
CREATE (x:Node:$(n.classes))
SET x.id = n.id, x.kind = n.kind, x.label = n.label, x.start_time = n.start_time,
    x.end_time = n.end_time, x.attrs = n.attrs
