// The URI schemes of absolute node ids (`https`, `s3`, `urn`...), each once: a streamed
// PROV-N export declares a namespace for each before its first record, so that every id
// no declared namespace holds can still be written. `IS NOT NULL` lets the planner scan
// the id index (ids come from the index, no node is read); the pass is over every id.
MATCH (n:Node)
WHERE n.id IS NOT NULL AND n.id =~ $absolute
RETURN DISTINCT split(n.id, ':')[0] AS scheme
