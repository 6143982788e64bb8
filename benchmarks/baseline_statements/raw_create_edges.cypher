// Raw-driver ceiling: the PROV relations, plain CREATE between nodes found by id.
UNWIND $edges AS e
MATCH (a:Node {id: e.source})
MATCH (b:Node {id: e.target})
CREATE (a)-[r:$(e.type)]->(b)
SET r.key = e.key, r.attrs = e.attrs, r.records = [e.record]
