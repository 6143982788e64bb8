// The server's name, version and edition, read when Neo4j answers after being away
// (start-up, restart), not on every ping; /health shows what was read.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
