// Nodes matching a search: the node whose id is exactly the text first (a unique-index seek),
// then full-text hits by score. $terms is a Lucene query built from the text's words (each
// escaped, as a prefix), passed as a parameter; $kind keeps one kind or PROV class.
CALL () {
  MATCH (n:Node {id: $text})
  RETURN n, 1.0e9 AS score
  UNION
  WITH $terms AS terms WHERE terms <> ''
  CALL db.index.fulltext.queryNodes('node_search', terms, {limit: $scan}) YIELD node, score
  RETURN node AS n, score
}
WITH n, max(score) AS score
WHERE $kind IS NULL OR n.kind = $kind OR $kind IN labels(n)
RETURN n.id AS id, [label IN labels(n) WHERE label IN ['Entity', 'Activity', 'Agent']] AS classes,
       n.kind AS kind, n.label AS label, score
ORDER BY score DESC, id
LIMIT $limit
