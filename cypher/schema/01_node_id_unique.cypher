// One id names one PROV node across the whole graph; every MERGE/MATCH by id uses this index.
CREATE CONSTRAINT node_id_unique IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE
