// The pattern we replace: every path up to the depth, de-duplicated by the caller.
// Cypher cannot take a parameter as a variable-length bound (and a `length(p) <= $depth`
// filter is applied after expanding everything), so the loader puts the integer depth
// in place of MAX_HOPS; every value is a parameter.
MATCH p = (s:Node {id: $id})-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*1..MAX_HOPS]->(x)
RETURN p
