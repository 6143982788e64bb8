// What each record of one page asserts (its ASSERTS relationships with what the record
// itself said of each node), for a dump; sorted per record inside the subquery.
UNWIND $ids AS id
MATCH (r:Record {id: id})
CALL (r) {
  MATCH (r)-[a:ASSERTS]->(x:Node)
  RETURN x.id AS node, properties(a) AS properties
  ORDER BY node
}
RETURN r.id AS record, node, properties
