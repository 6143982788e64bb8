// The pattern we replace: one auto-committed MERGE per node.
MERGE (x:Node {id: $id})
SET x:$($classes), x.kind = $kind, x.label = $label, x.attrs = $attrs
