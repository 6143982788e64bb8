// Raw-driver ceiling: which record asserts which node, plain CREATE.
UNWIND $asserts AS a
MATCH (r:Record {id: a.record})
MATCH (x:Node {id: a.node})
CREATE (r)-[:ASSERTS {attrs: a.attrs, classes: a.classes}]->(x)
