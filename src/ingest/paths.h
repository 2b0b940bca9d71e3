/*
 * paths.h - the files an ingest reads, from the paths a person gave.
 *
 * A path may be a file (taken whatever its name), "-" (standard input),
 * or a directory, searched recursively for names ending in one of the
 * given suffixes.  Files found in a directory come in byte order of their
 * paths, so the same tree always ingests in the same order.
 */
#ifndef TESTPUMP_INGEST_PATHS_H
#define TESTPUMP_INGEST_PATHS_H

#include <stddef.h>

struct path_list {
	char **items; /* owned */
	size_t count;
	size_t cap;
};

#define PATH_LIST_INIT     \
	{                  \
		NULL, 0, 0 \
	}

/*
 * Appends to list the files that path names.  suffixes is NULL-terminated
 * (".xml", ".xml.gz").  A directory without a matching file, a missing
 * path or an unreadable directory is an error naming it; symbolic links
 * to directories are not followed (no cycles).
 */
int paths_collect(struct path_list *list, const char *path,
		  const char *const *suffixes);

/* Frees the list's paths and leaves it empty. */
void paths_release(struct path_list *list);

#endif
