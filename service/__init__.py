"""provgraph: a W3C PROV lineage service on Neo4j."""
