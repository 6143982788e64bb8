// The PROV relations leaving one page of nodes, for a dump: each relation once (in the page
// of its source). Sorted per source node inside the subquery, so the sort holds one node's
// relations at a time and a dump of the same graph is the same bytes.
UNWIND $ids AS id
MATCH (x:Node {id: id})
CALL (x) {
  MATCH (x)-[e]->(y:Node)
  RETURN type(e) AS type, y.id AS target, properties(e) AS properties
  ORDER BY type, target, e.key
}
RETURN x.id AS source, type, target, properties
