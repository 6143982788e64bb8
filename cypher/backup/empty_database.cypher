// `provgraph restore --force`: delete everything first, in bounded transactions (run as an
// auto-commit statement, outside an explicit transaction). Constraints and indexes stay.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
