CREATE INDEX record_created_at IF NOT EXISTS FOR (r:Record) ON (r.created_at)
