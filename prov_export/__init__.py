"""Graph rows -> PROV-N / PROV-JSON text, or -> prov.model.ProvDocument -> XML / RDF; and back.

- `ids`: node id <-> IRI / qualified name (the one place ids become IRIs).
- `document`: `to_document(graph, policy)` and `from_document(doc, policy, scope)`.
- `notes`: what an imported document says that nodes and edges cannot (`ProvGraph.dangling`).
- `vocabulary`: the PROV-DM tables both directions share.
- `values`: the exact JSON form of attribute values, for storage.
- `formats`: the export formats by name and by media type.
- `names`: the prefix table of one export, fixed before its first record.
- `statements`: the PROV statements of a graph, as the text writers take them.
- `provn`, `provjson`: statements as PROV-N / PROV-JSON text, no prov.model objects.
- `streaming`: PROV-N and PROV-JSON of a graph, whole or read in chunks, in bounded memory.
- `chunked`: PROV-XML, Turtle, TriG of a graph read in chunks, one prov document a chunk.
"""
