// Empty the throwaway benchmark database between phases, relationships first, in bounded
// transactions, so no transaction holds a shared node's thousands of relationships.
MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS
