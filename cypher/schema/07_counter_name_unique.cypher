// Sequence counters (FAIR-DP's integer code run ids); MERGE on the name is safe under concurrency.
CREATE CONSTRAINT counter_name_unique IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE
