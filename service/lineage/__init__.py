"""Lineage: Provena's explore queries and the native /lineage, over one breadth-first walk."""
