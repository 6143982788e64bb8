// One Record node per registered record; a re-sent id or idempotency key fails the unique constraint.
UNWIND $records AS record
CREATE (r:Record)
SET r = record
