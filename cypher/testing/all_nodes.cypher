// Tests: every PROV node with its kind.
MATCH (n:Node)
RETURN n.id AS id, n.kind AS kind
