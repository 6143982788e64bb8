// The node a lineage question starts from (absent: the id is unknown, a 404).
MATCH (n:Node {id: $id})
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind
