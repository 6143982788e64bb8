// Raw-driver ceiling: the batch's Record nodes, plain CREATE.
UNWIND $records AS record
CREATE (r:Record)
SET r = record
