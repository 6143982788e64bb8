"""Operating provgraph: metrics, structured logs, and the bulk command line (import,
export, lineage) that talks to a running service."""
