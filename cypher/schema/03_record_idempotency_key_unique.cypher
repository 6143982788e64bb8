// Re-sent requests (Idempotency-Key, FAIR-DP uuid) find the first record; concurrent duplicates collide here.
CREATE CONSTRAINT record_idempotency_key_unique IF NOT EXISTS FOR (r:Record) REQUIRE r.idempotency_key IS UNIQUE
