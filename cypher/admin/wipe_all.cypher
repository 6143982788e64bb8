// Tests only: empty the database in bounded transactions (run outside an explicit transaction).
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
