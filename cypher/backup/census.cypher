// What a dump must account for: every node and relationship in the database, and how many
// of them are the kinds provgraph writes (PROV nodes, records, sequence counters, ASSERTS).
// Counts by label or type alone come from Neo4j's count store, without a scan.
CALL () { MATCH (n) RETURN count(n) AS all_nodes }
CALL () { MATCH (n:Node) RETURN count(n) AS nodes }
CALL () { MATCH (r:Record) RETURN count(r) AS records }
CALL () { MATCH (c:Counter) RETURN count(c) AS counters }
CALL () { MATCH ()-[e]->() RETURN count(e) AS all_relationships }
CALL () { MATCH ()-[a:ASSERTS]->() RETURN count(a) AS asserts }
RETURN all_nodes, nodes, records, counters, all_relationships, asserts
