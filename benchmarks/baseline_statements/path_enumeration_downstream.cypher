// As path_enumeration_upstream, against edge direction.
MATCH p = (s:Node {id: $id})<-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY*1..MAX_HOPS]-(x)
RETURN p
