// Tests and benchmarks only: empty the database in bounded transactions (run outside an
// explicit transaction). 1000 nodes a transaction: with their relationships, 10,000 of a
// 100k-node graph went past the transaction memory pool of a 512m-heap Neo4j.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS
