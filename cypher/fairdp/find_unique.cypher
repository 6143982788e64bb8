// The record that already holds a unique key (backed by the record_unique_key constraint).
MATCH (r:Record {unique_key: $key})
RETURN r {.*} AS record
