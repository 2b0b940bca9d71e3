/*
 * tmpdir.h - shared by the store tests: removing a test's temporary
 * directory tree.  Included by each test program.
 */
#ifndef TESTPUMP_TESTS_STORE_TMPDIR_H
#define TESTPUMP_TESTS_STORE_TMPDIR_H

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

/* Removes path and, if it is a directory, everything under it. */
static void remove_tree(const char *path)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path))) {
		while ((de = readdir(d))) {
			char *child;

			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			child = xasprintf("%s/%s", path, de->d_name);
			remove_tree(child);
			free(child);
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

#endif
