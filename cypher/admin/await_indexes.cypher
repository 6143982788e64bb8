// Wait (bounded) until every index and constraint is online.
CALL db.awaitIndexes(300)
