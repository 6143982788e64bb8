// The availability monitor's ping, twice a second: the cheapest statement that needs Neo4j.
RETURN 1 AS ok
