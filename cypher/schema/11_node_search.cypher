// Node search (GET /nodes, the UI's search box): ids, labels and attribute text, tokenised
// without stop words so "the" or "a" in a label still match. Queried with prefix terms.
CREATE FULLTEXT INDEX node_search IF NOT EXISTS FOR (n:Node) ON EACH [n.id, n.label, n.attrs]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}
