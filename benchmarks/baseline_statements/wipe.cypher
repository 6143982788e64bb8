// Then the nodes (after wipe_relationships), in bounded transactions.
MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 5000 ROWS
