// Run listing and lineage time filters.
CREATE INDEX activity_start_time IF NOT EXISTS FOR (n:Activity) ON (n.start_time)
