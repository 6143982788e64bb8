// The server's name, version and edition, probed once at start-up and by /health.
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
