"""Graph rows -> prov.model.ProvDocument -> PROV-JSON / PROV-N / XML / RDF, and back.

- `ids`: node id <-> IRI / qualified name (the one place ids become IRIs).
- `document`: `to_document(graph, policy)` and `from_document(doc, policy, scope)`.
- `notes`: what an imported document says that nodes and edges cannot (`ProvGraph.dangling`).
- `vocabulary`: the PROV-DM tables both directions share.
- `values`: the exact JSON form of attribute values, for storage.
- `formats`: the export formats by name and by media type.
- `streaming`: PROV-N and PROV-JSON of a graph read in chunks, in bounded memory.
"""
