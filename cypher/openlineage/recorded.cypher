// Which of these event records exist already (a re-sent event writes nothing).
UNWIND $ids AS id
MATCH (r:Record {id: id})
RETURN r.id AS id
