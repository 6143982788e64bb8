// First start of a local Neo4j with auth: replace the default password (run on `system`).
ALTER CURRENT USER SET PASSWORD FROM $old TO $new
