// The URI schemes of absolute node ids (`https`, `s3`, `urn`...), each once: a streamed
// PROV-N export declares a namespace for each before its first record, so that every id
// no declared namespace holds can still be written. One pass over the id index, no node read.
MATCH (n:Node)
WHERE n.id =~ $absolute
RETURN DISTINCT split(n.id, ':')[0] AS scheme
