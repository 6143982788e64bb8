// Derivation paths from one node to another along lineage relations, shortest first, at
// most five. The search bound is a literal (Cypher takes no parameter there) and is the
// hard cap; $max_depth is applied after the search in its own WITH, so the planner keeps
// the stateful shortest-path search and never falls back to enumerating paths.
MATCH (a:Node {id: $source}), (b:Node {id: $target})
MATCH p = SHORTEST 5 (a)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY]->{1,100}(b)
WITH p WHERE length(p) <= $max_depth
RETURN [n IN nodes(p) | n.id] AS nodes,
       [r IN relationships(p) | {source: startNode(r).id, type: type(r), target: endNode(r).id,
                                  attrs: r.attrs}] AS edges
ORDER BY length(p)
