// PROV nodes and relations (records and their ASSERTS links not counted).
CALL () { MATCH (n:Node) RETURN count(n) AS nodes }
CALL () { MATCH (:Node)-[e]->(:Node) RETURN count(e) AS edges }
RETURN nodes, edges
