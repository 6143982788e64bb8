// FAIR-DP code runs, newest first, with the registry's exact-match filters (null: no filter;
// a uuid filter goes to records/list_code_runs_by_uuid, through the record id's index).
// Neither part collects every match: the count reads the (kind, seq) index and counts, the
// page walks that index backwards from the cursor ($before) and stops after $limit rows
// (ordered by kind and seq, the index's own order: by seq alone the planner sorts instead).
CALL () {
  MATCH (r:Record {kind: 'code_run'})
  WHERE r.seq IS NOT NULL
    AND ($input IS NULL OR $input IN r.inputs)
    AND ($output IS NULL OR $output IN r.outputs)
    AND ($run_date IS NULL OR r.run_date = $run_date)
  RETURN count(r) AS count
}
CALL () {
  MATCH (r:Record)
  WHERE r.kind = 'code_run' AND r.seq < $before
    AND ($input IS NULL OR $input IN r.inputs)
    AND ($output IS NULL OR $output IN r.outputs)
    AND ($run_date IS NULL OR r.run_date = $run_date)
  WITH r ORDER BY r.kind DESC, r.seq DESC LIMIT $limit
  RETURN collect(r {.*}) AS page
}
RETURN count, page
