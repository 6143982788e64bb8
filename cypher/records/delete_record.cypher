MATCH (r:Record {id: $id})
DETACH DELETE r
