// The records a request refers to, to check each reference names something of the right kind.
UNWIND $ids AS id
MATCH (r:Record {id: id})
RETURN r {.*} AS record
