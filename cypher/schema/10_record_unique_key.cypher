// FAIR-DP registry resources carry their unique constraint (storage_root.root, ...) as one
// key, so two concurrent creates of the same thing cannot both commit: the second fails here.
CREATE CONSTRAINT record_unique_key IF NOT EXISTS FOR (r:Record) REQUIRE r.unique_key IS UNIQUE
