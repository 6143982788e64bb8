"""Native `/prov`: PROV documents of any part of the graph, and PROV document import."""
