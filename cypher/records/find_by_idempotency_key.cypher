MATCH (r:Record {idempotency_key: $key})
RETURN r {.*} AS record
