// FAIR-DP code runs by their integer id, and newest-first listing.
CREATE INDEX record_kind_seq IF NOT EXISTS FOR (r:Record) ON (r.kind, r.seq)
