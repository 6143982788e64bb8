// The next integer of a named sequence, set as a record's `seq` (FAIR-DP code run ids).
// Sent last in its transaction, so the counter's lock is held only until the commit.
MERGE (c:Counter {name: $name})
  ON CREATE SET c.value = 0
SET c.value = c.value + 1
WITH c
MATCH (r:Record {id: $id})
SET r.seq = c.value
RETURN c.value AS value
