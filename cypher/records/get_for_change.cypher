// The record a caller is about to replace or delete, write-locked until the transaction
// ends (setting a property takes the node's lock): the ownership check and the change see
// the same version, and a concurrent change of the record waits for this one to commit.
MATCH (r:Record {id: $id})
SET r.locked = true
REMOVE r.locked
RETURN r {.*} AS record
