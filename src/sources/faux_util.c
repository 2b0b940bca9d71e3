/*
 * faux_util.c - query strings and zip archives for the faux responders.
 */
#include "sources/faux_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decoded copy of the n bytes at s ('+' is a blank in queries). */
static char *decode(const char *s, size_t n, int query)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (query && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

void fq_parse(struct fq *q, const char *target)
{
	size_t plen = strcspn(target, "?");
	const char *p = target + plen;

	memset(q, 0, sizeof(*q));
	q->path = decode(target, plen, 0);
	while (*p && q->n < FQ_MAX) {
		size_t len, klen;

		p++;
		len = strcspn(p, "&");
		klen = strcspn(p, "=&");
		if (len) {
			q->keys[q->n] = decode(p, klen < len ? klen : len, 1);
			q->values[q->n] = klen < len ? decode(p + klen + 1,
							      len - klen - 1, 1)
						     : xstrdup("");
			q->n++;
		}
		p += len;
	}
}

void fq_release(struct fq *q)
{
	free(q->path);
	for (size_t i = 0; i < q->n; i++) {
		free(q->keys[i]);
		free(q->values[i]);
	}
	q->n = 0;
	q->path = NULL;
}

const char *fq_get(const struct fq *q, const char *key, size_t idx)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->keys[i], key) && idx-- == 0)
			return q->values[i];
	return NULL;
}

int64_t fq_int(const struct fq *q, const char *key, int64_t def)
{
	const char *v = fq_get(q, key, 0);
	char *end;
	long long n;

	if (!v || !*v)
		return def;
	n = strtoll(v, &end, 10);
	return *end ? def : (int64_t)n;
}

static void le16(struct buf *b, unsigned v)
{
	buf_addch(b, (char)(v & 0xff));
	buf_addch(b, (char)((v >> 8) & 0xff));
}

static void le32(struct buf *b, unsigned long v)
{
	le16(b, (unsigned)(v & 0xffff));
	le16(b, (unsigned)((v >> 16) & 0xffff));
}

/* The MS-DOS time and date of a zip entry. */
static void dos_time(int64_t s, unsigned *t, unsigned *d)
{
	char ts[TIMESTAMP_MAX];
	unsigned y = 1980, mo = 1, da = 1, h = 0, mi = 0, se = 0;

	timestamp_format(s * 1000, ts);
	if (sscanf(ts, "%4u-%2u-%2uT%2u:%2u:%2u", &y, &mo, &da, &h, &mi, &se) !=
		    6 ||
	    y < 1980)
		y = 1980;
	*t = h << 11 | mi << 5 | se / 2;
	*d = (y - 1980) << 9 | mo << 5 | da;
}

/* The file's header fields after the signature and version, both headers. */
static void entry_fields(struct buf *b, unsigned t, unsigned d,
			 unsigned long crc, size_t csize, size_t len,
			 size_t nlen)
{
	le16(b, 0); /* flags */
	le16(b, 8); /* deflate */
	le16(b, t);
	le16(b, d);
	le32(b, crc);
	le32(b, (unsigned long)csize);
	le32(b, (unsigned long)len);
	le16(b, (unsigned)nlen);
	le16(b, 0); /* extra */
}

void faux_zip_one(struct buf *out, const char *name, const char *data,
		  size_t len, int64_t mtime_s)
{
	size_t nlen = strlen(name), start = out->len, cdir, cend;
	uLong crc = crc32(0L, (const Bytef *)data, (uInt)len);
	uLong bound = compressBound((uLong)len) + 64;
	unsigned char *z = xmalloc(bound);
	z_stream s = {0};
	unsigned t, d;
	size_t csize;

	/* Raw deflate (no zlib header), as zip stores it. */
	deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (Bytef *)(uintptr_t)data;
	s.avail_in = (uInt)len;
	s.next_out = z;
	s.avail_out = (uInt)bound;
	deflate(&s, Z_FINISH);
	csize = s.total_out;
	deflateEnd(&s);
	dos_time(mtime_s, &t, &d);
	le32(out, 0x04034b50);
	le16(out, 20);
	entry_fields(out, t, d, crc, csize, len, nlen);
	buf_add(out, name, nlen);
	buf_add(out, z, csize);
	cdir = out->len;
	le32(out, 0x02014b50);
	le16(out, 0x031e); /* made by: Unix, 3.0 */
	le16(out, 20);
	entry_fields(out, t, d, crc, csize, len, nlen);
	le16(out, 0);		    /* comment */
	le16(out, 0);		    /* disk */
	le16(out, 0);		    /* internal attributes */
	le32(out, 0100644UL << 16); /* external: a regular file */
	le32(out, 0);		    /* the local header's offset */
	buf_add(out, name, nlen);
	cend = out->len;
	le32(out, 0x06054b50);
	le16(out, 0);
	le16(out, 0);
	le16(out, 1);
	le16(out, 1);
	le32(out, (unsigned long)(cend - cdir));
	le32(out, (unsigned long)(cdir - start));
	le16(out, 0);
	free(z);
}

void faux_json_time(struct buf *out, int64_t s)
{
	char ts[TIMESTAMP_MAX];

	timestamp_format(s * 1000, ts);
	buf_addf(out, "\"%s\"", ts);
}
