// Registered records (model runs, code runs, imported documents) by id.
CREATE CONSTRAINT record_id_unique IF NOT EXISTS FOR (r:Record) REQUIRE r.id IS UNIQUE
