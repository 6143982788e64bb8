// Every event recorded for each run (its records assert the run's node), so the run's
// times and state can be worked out from all of them whatever order they came in.
UNWIND $runs AS run
MATCH (x:Node {id: run})<-[:ASSERTS]-(r:Record {kind: 'openlineage_event'})
WHERE r.ol_run = run
RETURN run AS id, x.attrs AS attrs, collect([r.ol_event_type, r.ol_event_time]) AS events
