// The per-transaction memory limit Neo4j applies now.
SHOW SETTINGS YIELD name, value
WHERE name = 'db.memory.transaction.max'
RETURN value
