-- 0010_ingest_speed: the twin of SQLite's 0010 (PostgreSQL).
--
-- SQLite's 0010 rebuilds test_output as a rowid table, with the same
-- columns and key, so that texts are appended in order.  A PostgreSQL
-- table is a heap with a separate primary-key index already, so nothing
-- changes here; the migration exists so both engines count the same
-- versions.  Conventions as in 0001_core.

COMMENT ON TABLE test_output IS
	'every distinct text that came with results, stored once by hash';
