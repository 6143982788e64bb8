// Attributes asserted by several records are the union of what each asserted.
UNWIND $rows AS row
MATCH (x:Node {id: row.id})
SET x.attrs = row.attrs
