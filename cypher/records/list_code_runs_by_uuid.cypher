// The code run a FAIR-DP uuid filter names (its record id), with the other filters; in the
// shape of records/list_code_runs.
OPTIONAL MATCH (r:Record {id: $uuid})
WHERE r.kind = 'code_run'
  AND ($input IS NULL OR $input IN r.inputs)
  AND ($output IS NULL OR $output IN r.outputs)
  AND ($run_date IS NULL OR r.run_date = $run_date)
WITH collect(r) AS found
RETURN size(found) AS count,
       [r IN found WHERE r.seq < $before | r {.*}][0..$limit] AS page
