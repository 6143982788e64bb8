MATCH (r:Record {kind: $kind, seq: $seq})
RETURN r {.*} AS record
