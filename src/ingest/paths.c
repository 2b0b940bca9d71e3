/*
 * paths.c - expanding the paths of an ingest into files.
 */
#include "ingest/paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

static void list_add(struct path_list *list, char *path)
{
	ALLOC_GROW(list->items, list->count + 1, list->cap);
	list->items[list->count++] = path;
}

static int has_suffix(const char *name, const char *const *suffixes)
{
	size_t len = strlen(name);

	for (size_t i = 0; suffixes[i]; i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && !strcmp(name + len - sl, suffixes[i]))
			return 1;
	}
	return 0;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the matching files under dir, recursively. */
static int walk(struct path_list *list, const char *dir,
		const char *const *suffixes)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return err_set("cannot read directory '%s': %s", dir,
			       strerror(errno));
	while ((e = readdir(d))) {
		struct stat st;
		char *path;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0) {
			ret = err_set("cannot access '%s': %s", path,
				      strerror(errno));
			free(path);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = walk(list, path, suffixes);
			free(path);
			if (ret < 0)
				break;
		} else if (has_suffix(e->d_name, suffixes) &&
			   (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
			list_add(list, path);
		} else {
			free(path);
		}
	}
	closedir(d);
	return ret;
}

int paths_collect(struct path_list *list, const char *path,
		  const char *const *suffixes)
{
	struct stat st;
	size_t first = list->count;

	if (!strcmp(path, "-")) {
		list_add(list, xstrdup(path));
		return 0;
	}
	if (stat(path, &st) < 0)
		return err_set("cannot access '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		list_add(list, xstrdup(path));
		return 0;
	}
	if (walk(list, path, suffixes) < 0)
		return -1;
	if (list->count == first) {
		struct buf names = BUF_INIT;

		for (size_t i = 0; suffixes[i]; i++)
			buf_addf(&names, "%s*%s", i ? ", " : "", suffixes[i]);
		err_set("no files named %s under '%s'", names.data, path);
		buf_release(&names);
		return -1;
	}
	qsort(list->items + first, list->count - first, sizeof(char *),
	      compare_paths);
	return 0;
}

void paths_release(struct path_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}
