// The next integer of a named sequence, inside the caller's transaction.
MERGE (c:Counter {name: $name})
  ON CREATE SET c.value = 0
SET c.value = c.value + 1
RETURN c.value AS value
