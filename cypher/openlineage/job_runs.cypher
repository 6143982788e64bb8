// One page of a job's runs, newest first, and how many there are.
MATCH (:Node {id: $job})<-[:USED]-(run:Node {ol_type: 'run'})
WITH run ORDER BY run.start_time DESC, run.id DESC
WITH collect(run.id) AS ids
RETURN size(ids) AS total, ids[$offset..($offset + $limit)] AS ids
