CREATE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind)
