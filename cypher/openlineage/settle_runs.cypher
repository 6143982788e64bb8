// A run's settled times and state (worked out from all its events).
UNWIND $rows AS row
MATCH (x:Node {id: row.id})
SET x.start_time = row.start_time, x.end_time = row.end_time, x.ol_state = row.state,
    x.attrs = row.attrs
