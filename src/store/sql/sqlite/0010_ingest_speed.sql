-- 0010_ingest_speed: test_output as a rowid table (SQLite).
--
-- test_output was a WITHOUT ROWID table keyed by a SHA-256 hash: every
-- insert landed at a random place in a B-tree of rows of about 1 KiB, so
-- pages split half full (127 MB for 50 MB of text in the ingest
-- benchmark) and an ingest reread its own pages from the WAL.  As a rowid
-- table the texts are appended in order and only the small hash index is
-- random: half the size, and 20% faster ingest.  Columns, key and
-- meaning are those of 0001_core; readers see no difference.  The PG twin
-- of this migration changes nothing (a heap table is already this shape).
-- Conventions as in 0001_core.

-- test_output: every distinct text that came with results (failure
-- messages, stack traces, captured output), stored once however many
-- results share it, and kept apart so test_result stays small.  Long text
-- is stored with its middle elided; original_length says how long it was.
CREATE TABLE test_output_0010 (
	-- SHA-256 (hex) of the text as stored.
	hash TEXT NOT NULL PRIMARY KEY,
	text TEXT NOT NULL,
	-- Length in bytes of the text before elision.
	original_length INTEGER NOT NULL CHECK (original_length >= 0)
) STRICT;

INSERT INTO test_output_0010 (hash, text, original_length)
SELECT hash, text, original_length FROM test_output ORDER BY hash;

DROP TABLE test_output;

ALTER TABLE test_output_0010 RENAME TO test_output;
