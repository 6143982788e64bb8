// Tests: for every record, how many nodes and relations it asserts.
MATCH (r:Record)
CALL (r) {
  OPTIONAL MATCH (r)-[:ASSERTS]->(n:Node)
  RETURN count(n) AS nodes
}
CALL (r) {
  OPTIONAL MATCH (r)-[:ASSERTS]->(:Node)-[e]->(:Node)
    WHERE r.id IN e.records
  RETURN count(e) AS edges
}
RETURN r.id AS record, nodes, edges
