/*
 * atomicfile.c - a temporary file beside the target, then rename().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copies the old content of path into fd; a missing file is empty. */
static int copy_old(const char *path, int fd, mode_t *perm)
{
	char chunk[65536];
	int in = open(path, O_RDONLY);
	struct stat sb;
	ssize_t n;

	if (in < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(in, &sb) == 0)
		*perm = sb.st_mode & 07777;
	while ((n = read(in, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(fd, chunk, (size_t)n) < 0) {
			close(in);
			return -1;
		}
	}
	close(in);
	return 0;
}

int atomicfile_write(const char *path, const void *data, size_t len,
		     enum atomicfile_mode mode)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	mode_t perm = 0, mask = umask(0);
	struct stat sb;
	int fd;

	umask(mask);
	perm = 0644 & ~mask;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set("cannot create a temporary file beside '%s': %s", path,
			strerror(errno));
		free(tmp);
		return -1;
	}
	if (mode == ATOMICFILE_REPLACE && stat(path, &sb) == 0)
		perm = sb.st_mode & 07777;
	if ((mode == ATOMICFILE_APPEND && copy_old(path, fd, &perm) < 0) ||
	    write_all(fd, data, len) < 0 || fchmod(fd, perm) < 0 ||
	    fsync(fd) < 0) {
		err_set("cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err_set("cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err_set("cannot replace '%s': %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}
