// The URI schemes of absolute node ids (`https`, `s3`, `urn`...), each once: a streamed
// PROV-N export declares a namespace for each before its first record, so that every id
// no declared namespace holds can still be written. A scheme starts with a letter, so
// only ids from $first up to $beyond (`A` to `{`: both cases of letters) are read, one
// range of the id index; handles and other ids that start with a digit are never read.
MATCH (n:Node)
WHERE n.id >= $first AND n.id < $beyond AND n.id =~ $absolute
RETURN DISTINCT split(n.id, ':')[0] AS scheme
