/*
 * zip.c - the central directory of a zip archive, and its entries inflated
 * with zlib (raw deflate, method 8) or copied (stored, method 0).
 *
 * Layout (PKWARE APPNOTE 4.3): local headers with the data, then the
 * central directory, then the end-of-central-directory record (EOCD),
 * found by searching back from the end past a comment of up to 64 KiB.
 * Sizes and CRCs are taken from the central directory, which is what a
 * writer that streamed (data descriptors, flag bit 3) fills in last.
 */
#include "ingest/zip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define EOCD_LEN 22
#define CDIR_LEN 46
#define LOCAL_LEN 30
#define COMMENT_MAX 65535
#define CHUNK (64 * 1024)

void zip_limits_init(struct zip_limits *l)
{
	l->max_entry = 64u << 20;
	l->max_total = 256u << 20;
	l->max_entries = 65535;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

int zip_name_safe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			return 0;
	/* No ".." component anywhere. */
	for (p = name; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

struct zip {
	const char *path;
	int fd;
	uint64_t size;
	const struct zip_limits *lim;
	uint64_t total; /* bytes inflated so far */
};

/* Reads exactly len bytes at off; -1 naming the archive otherwise. */
static int read_at(struct zip *z, void *out, size_t len, uint64_t off)
{
	size_t got = 0;

	if (off > z->size || len > z->size - off)
		return err_set("zip '%s': truncated (a record runs past the "
			       "end)",
			       z->path);
	while (got < len) {
		ssize_t n = pread(z->fd, (char *)out + got, len - got,
				  (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set("zip '%s': cannot read: %s", z->path,
				       n < 0 ? strerror(errno)
					     : "unexpected end of file");
		got += (size_t)n;
	}
	return 0;
}

/* Finds the EOCD; fills the directory's entry count, size and offset. */
static int find_eocd(struct zip *z, uint64_t *count, uint64_t *cd_size,
		     uint64_t *cd_off)
{
	size_t span = z->size < EOCD_LEN + COMMENT_MAX
			      ? (size_t)z->size
			      : (size_t)(EOCD_LEN + COMMENT_MAX);
	unsigned char *tail;
	int rc = -1;

	if (z->size < EOCD_LEN)
		return err_set("zip '%s': not a zip archive (too short)",
			       z->path);
	tail = xmalloc(span);
	if (read_at(z, tail, span, z->size - span) < 0)
		goto out;
	for (size_t i = span - EOCD_LEN + 1; i-- > 0;) {
		const unsigned char *e = tail + i;

		if (le32(e) != EOCD_SIG || i + EOCD_LEN + le16(e + 20) != span)
			continue;
		if (le16(e + 4) || le16(e + 6) || le16(e + 8) != le16(e + 10)) {
			err_set("zip '%s': multi-disk archives are not read",
				z->path);
			goto out;
		}
		*count = le16(e + 10);
		*cd_size = le32(e + 12);
		*cd_off = le32(e + 16);
		if (*count == 0xffff || *cd_size == 0xffffffffu ||
		    *cd_off == 0xffffffffu) {
			err_set("zip '%s': zip64 archives are not read",
				z->path);
			goto out;
		}
		if (*cd_off > z->size || *cd_size > z->size - *cd_off) {
			err_set("zip '%s': truncated (the central directory "
				"lies past the end)",
				z->path);
			goto out;
		}
		rc = 0;
		goto out;
	}
	err_set("zip '%s': not a zip archive (no end of central directory)",
		z->path);
out:
	free(tail);
	return rc;
}

/* One entry of the central directory. */
struct zip_entry {
	char *name;
	uint32_t flags, method, crc;
	uint64_t csize, usize, local_off;
};

/* Appends what one chunk of deflate data inflates to, bounded by e. */
static int inflate_chunk(struct zip *z, const struct zip_entry *e, z_stream *s,
			 int last, struct buf *out, int *zrc)
{
	do {
		unsigned char sink[CHUNK];
		size_t made;

		s->next_out = sink;
		s->avail_out = sizeof(sink);
		*zrc = inflate(s, Z_NO_FLUSH);
		if (*zrc != Z_OK && *zrc != Z_STREAM_END &&
		    !(*zrc == Z_BUF_ERROR && last))
			return err_set("zip '%s': entry '%s': corrupt deflate "
				       "data (%s)",
				       z->path, e->name,
				       s->msg ? s->msg : "zlib error");
		made = sizeof(sink) - s->avail_out;
		if (out->len + made > e->usize)
			return err_set("zip '%s': entry '%s': inflates past "
				       "its declared %llu bytes (refused as a "
				       "zip bomb)",
				       z->path, e->name,
				       (unsigned long long)e->usize);
		buf_add(out, sink, made);
	} while (s->avail_out == 0 && *zrc != Z_STREAM_END);
	if (last && *zrc != Z_STREAM_END)
		return err_set("zip '%s': entry '%s': truncated deflate data",
			       z->path, e->name);
	return 0;
}

/* Reads e's data at off, copied (stored) or inflated, into out. */
static int read_data(struct zip *z, const struct zip_entry *e, uint64_t off,
		     struct buf *out)
{
	unsigned char *in = xmalloc(CHUNK);
	uint64_t left = e->csize;
	z_stream s;
	int zrc = Z_OK, rc = 0;

	memset(&s, 0, sizeof(s));
	if (e->method == 8 && inflateInit2(&s, -MAX_WBITS) != Z_OK) {
		free(in);
		return err_set("zip '%s': cannot initialise zlib", z->path);
	}
	while (rc == 0 &&
	       (left > 0 || (e->method == 8 && zrc != Z_STREAM_END))) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;

		if (n && read_at(z, in, n, off) < 0) {
			rc = -1;
			break;
		}
		off += n;
		left -= n;
		if (e->method == 0) {
			buf_add(out, in, n);
			continue;
		}
		s.next_in = in;
		s.avail_in = (uInt)n;
		rc = inflate_chunk(z, e, &s, n == 0, out, &zrc);
	}
	if (e->method == 8)
		inflateEnd(&s);
	free(in);
	return rc;
}

/* Inflates or copies e into out (reset first), checking sizes and CRC. */
static int read_entry(struct zip *z, const struct zip_entry *e, struct buf *out)
{
	unsigned char local[LOCAL_LEN];
	uint64_t off;

	buf_reset(out);
	if (read_at(z, local, LOCAL_LEN, e->local_off) < 0)
		return -1;
	if (le32(local) != LOCAL_SIG)
		return err_set("zip '%s': entry '%s': no local header where "
			       "the directory says",
			       z->path, e->name);
	off = e->local_off + LOCAL_LEN + le16(local + 26) + le16(local + 28);
	if (off > z->size || e->csize > z->size - off)
		return err_set("zip '%s': entry '%s': truncated", z->path,
			       e->name);
	buf_grow(out, (size_t)e->usize + 1);
	if (read_data(z, e, off, out) < 0)
		return -1;
	if (out->len != e->usize)
		return err_set("zip '%s': entry '%s': holds %zu bytes, not "
			       "the %llu declared",
			       z->path, e->name, out->len,
			       (unsigned long long)e->usize);
	if (crc32(0L, (const Bytef *)out->data, (uInt)out->len) != e->crc)
		return err_set("zip '%s': entry '%s': CRC-32 mismatch", z->path,
			       e->name);
	return 0;
}

/* Checks an entry against the rules of zip.h before it is inflated. */
static int check_entry(struct zip *z, const struct zip_entry *e)
{
	if (!zip_name_safe(e->name))
		return err_set("zip '%s': entry '%s' has an unsafe name "
			       "(absolute, '..' or control characters)",
			       z->path, e->name);
	if (e->flags & 1)
		return err_set("zip '%s': entry '%s' is encrypted", z->path,
			       e->name);
	if (e->method != 0 && e->method != 8)
		return err_set("zip '%s': entry '%s' uses compression method "
			       "%u (only stored and deflate are read)",
			       z->path, e->name, (unsigned)e->method);
	if (e->method == 0 && e->csize != e->usize)
		return err_set("zip '%s': entry '%s': stored sizes differ",
			       z->path, e->name);
	if (e->usize > z->lim->max_entry ||
	    e->usize > z->lim->max_total - z->total)
		return err_set(
			"zip '%s': entry '%s' inflates to %llu bytes, "
			"past the cap of %llu (refused as a zip bomb)",
			z->path, e->name, (unsigned long long)e->usize,
			(unsigned long long)(e->usize > z->lim->max_entry
						     ? z->lim->max_entry
						     : z->lim->max_total));
	return 0;
}

typedef int (*zip_fn)(const char *name, const char *data, size_t len,
		      void *ctx);

/* Walks the directory at cd (cd_size bytes, count entries). */
static int walk(struct zip *z, const unsigned char *cd, uint64_t cd_size,
		uint64_t count, int (*want)(const char *, void *), zip_fn fn,
		void *ctx)
{
	struct buf data = BUF_INIT;
	uint64_t pos = 0;
	int rc = 0;

	for (uint64_t i = 0; i < count && rc == 0; i++) {
		const unsigned char *h = cd + pos;
		struct zip_entry e;
		size_t nlen;

		if (cd_size - pos < CDIR_LEN || le32(h) != CDIR_SIG) {
			rc = err_set("zip '%s': the central directory is "
				     "malformed at entry %llu",
				     z->path, (unsigned long long)i + 1);
			break;
		}
		nlen = le16(h + 28);
		if (cd_size - pos - CDIR_LEN <
		    nlen + le16(h + 30) + le16(h + 32)) {
			rc = err_set("zip '%s': the central directory is "
				     "truncated at entry %llu",
				     z->path, (unsigned long long)i + 1);
			break;
		}
		e.name = xstrndup((const char *)h + CDIR_LEN, nlen);
		e.flags = le16(h + 8);
		e.method = le16(h + 10);
		e.crc = le32(h + 16);
		e.csize = le32(h + 20);
		e.usize = le32(h + 24);
		e.local_off = le32(h + 42);
		pos += CDIR_LEN + nlen + le16(h + 30) + le16(h + 32);
		if (strlen(e.name) != nlen) {
			rc = err_set("zip '%s': entry %llu has a NUL in its "
				     "name",
				     z->path, (unsigned long long)i + 1);
		} else if (nlen && e.name[nlen - 1] != '/' &&
			   (!want || want(e.name, ctx))) {
			if (check_entry(z, &e) < 0 ||
			    read_entry(z, &e, &data) < 0)
				rc = -1;
			else {
				z->total += e.usize;
				rc = fn(e.name, data.data, data.len, ctx);
			}
		} else if (!zip_name_safe(e.name)) {
			rc = check_entry(z, &e);
		}
		free(e.name);
	}
	buf_release(&data);
	return rc;
}

int zip_each(const char *path, const struct zip_limits *lim,
	     int (*want)(const char *name, void *ctx), zip_fn fn, void *ctx)
{
	struct zip z = {path, -1, 0, lim, 0};
	uint64_t count = 0, cd_size = 0, cd_off = 0;
	unsigned char *cd = NULL;
	struct stat sb;
	int rc = -1;

	z.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (z.fd < 0)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	if (fstat(z.fd, &sb) < 0) {
		err_set("cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	z.size = (uint64_t)sb.st_size;
	if (find_eocd(&z, &count, &cd_size, &cd_off) < 0)
		goto out;
	if (count > lim->max_entries) {
		err_set("zip '%s': %llu entries, more than the %llu read", path,
			(unsigned long long)count,
			(unsigned long long)lim->max_entries);
		goto out;
	}
	cd = xmalloc(cd_size ? (size_t)cd_size : 1);
	if (read_at(&z, cd, (size_t)cd_size, cd_off) < 0)
		goto out;
	rc = walk(&z, cd, cd_size, count, want, fn, ctx);
out:
	free(cd);
	close(z.fd);
	return rc;
}
