// A new version of a record: the body and hash change, earlier versions go to history.
MATCH (r:Record {id: $id})
SET r += $changes
