// Tests: the records asserting each relation from one node to another.
MATCH (:Node {id: $source})-[e]->(:Node {id: $target})
RETURN e.records AS records
