// One FAIR-DP registry resource, newest first, filtered by exact matches on its fields.
// A filter is {key, value, many}: the field's Record property, the value sent, and whether
// the field holds a list (a match is then the value among them). Keys come from the
// resource's declared fields, never from the request.
MATCH (r:Record {kind: $kind})
WHERE all(f IN $filters WHERE
        CASE WHEN f.many THEN f.value IN coalesce(r[f.key], []) ELSE r[f.key] = f.value END)
WITH r ORDER BY r.seq DESC
WITH collect(r) AS matching
RETURN size(matching) AS count,
       [r IN matching WHERE $before IS NULL OR r.seq < $before | r {.*}][0..$limit] AS page
