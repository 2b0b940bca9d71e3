/*
 * atomicfile.h - writing a file whole or not at all.
 *
 * The bytes go to a temporary file beside the target ("<path>.tmp-XXXXXX"),
 * which is flushed to disk and then renamed over the target, so a reader
 * (or a crash) sees either the old file or the new one, never half of
 * one.  An append works the same way: the old content and the new bytes
 * are written to the temporary file together.
 */
#ifndef TESTPUMP_CORE_ATOMICFILE_H
#define TESTPUMP_CORE_ATOMICFILE_H

#include <stddef.h>

/* How atomicfile_write() treats an existing file. */
enum atomicfile_mode {
	ATOMICFILE_REPLACE, /* the file becomes data */
	ATOMICFILE_APPEND,  /* the file becomes its old content, then data */
};

/*
 * Writes len bytes of data to path as described above; a new file gets
 * mode 0644 (less the umask), an existing one keeps its mode.  Returns
 * 0, or -1 with a message naming the file; on failure path is untouched
 * and no temporary file is left behind.
 */
int atomicfile_write(const char *path, const void *data, size_t len,
		     enum atomicfile_mode mode);

#endif
