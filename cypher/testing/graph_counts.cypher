// Tests: how many PROV nodes, distinct node ids, relations and records there are.
CALL () { MATCH (n:Node) RETURN count(n) AS nodes, count(DISTINCT n.id) AS ids }
CALL () { MATCH (:Node)-[e]->(:Node) RETURN count(e) AS edges }
CALL () { MATCH (r:Record) RETURN count(r) AS records }
RETURN nodes, ids, edges, records
