// The per-transaction memory limit is dynamic: a test lowers it and puts it back.
CALL dbms.setConfigValue('db.memory.transaction.max', $value)
