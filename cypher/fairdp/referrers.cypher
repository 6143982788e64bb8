// Reverse links shown in answers (an object's components, ...): the records of one kind
// whose link field names one of the given records, oldest first.
MATCH (r:Record {kind: $kind})
WHERE r[$key] IN $targets
WITH r ORDER BY r.seq
RETURN r[$key] AS target, collect(r.id) AS referrers
