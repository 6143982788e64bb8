// Which of provgraph's constraints and indexes are online.
SHOW INDEXES YIELD name, state WHERE name IN $names RETURN name, state
