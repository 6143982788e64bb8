// FAIR-DP code runs, newest first, with the registry's exact-match filters; null = no filter.
MATCH (r:Record {kind: 'code_run'})
WHERE ($uuid IS NULL OR r.id = $uuid)
  AND ($input IS NULL OR $input IN r.inputs)
  AND ($output IS NULL OR $output IN r.outputs)
  AND ($run_date IS NULL OR r.run_date = $run_date)
WITH r ORDER BY r.seq DESC
WITH collect(r) AS matching
RETURN size(matching) AS count,
       [r IN matching WHERE $before IS NULL OR r.seq < $before | r {.*}][0..$limit] AS page
