// How many PROV nodes have ids under one IRI: what a test document wrote, and nothing else.
MATCH (n:Node)
WHERE n.id STARTS WITH $iri
RETURN count(n) AS nodes
