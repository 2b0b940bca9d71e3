/*
 * sanitize.c - the byte filter in front of expat (see sanitize.h).
 *
 * One byte at a time in the slow path, with a fast path that copies runs of
 * bytes needing no thought (printable ASCII but '&', TAB, LF, CR; in a
 * non-UTF-8 document also every byte from 0x80 up).  All state lives in
 * struct sanitize, so a feed can end anywhere.
 */
#include "ingest/sanitize.h"

#include <string.h>

#include "core/banned.h"

/* Where in the input we are. */
enum {
	/* No byte seen yet. */
	SANITIZE_START,
	/* The first byte is held: it may open a UTF-16 signature. */
	SANITIZE_HOLD,
	/* Past the first two bytes, or the first was not a candidate. */
	SANITIZE_BODY,
};

/* What is done to bytes from 0x80 up. */
enum {
	/* Validated as UTF-8, ill-formed sequences replaced. */
	SANITIZE_UTF8,
	/* Copied: a single-byte encoding such as ISO-8859-1. */
	SANITIZE_BYTES,
	/* UTF-16: every byte is copied, nothing at all is changed. */
	SANITIZE_RAW,
};

static const unsigned char replacement[3] = {0xef, 0xbf, 0xbd};
static const char replacement_ref[] = "&#xFFFD;";

void sanitize_init(struct sanitize *s)
{
	memset(s, 0, sizeof(*s));
	s->state = SANITIZE_START;
	s->mode = SANITIZE_UTF8;
	s->sniffing = 1;
}

static unsigned char *put(unsigned char *o, const void *p, size_t n)
{
	memcpy(o, p, n);
	return o + n;
}

static unsigned char *replace(struct sanitize *s, unsigned char *o)
{
	s->replaced++;
	return put(o, replacement, sizeof(replacement));
}

/* True for the code points XML 1.0 allows (its Char production). */
static int xml_char(uint32_t v)
{
	return v == 0x9 || v == 0xa || v == 0xd || (v >= 0x20 && v <= 0xd7ff) ||
	       (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
}

/* True for a byte that passes unchanged whatever came before it. */
static int plain(unsigned char b, int mode)
{
	if (b >= 0x20)
		return b != '&' && (b < 0x80 || mode == SANITIZE_BYTES);
	return b == '\n' || b == '\t' || b == '\r';
}

/*
 * Copies the encoding an XML declaration names, lower-cased, into s and
 * returns the mode it implies.
 */
static int decl_mode(struct sanitize *s)
{
	const char *p = strstr(s->decl, "encoding");
	char *name = s->encoding;
	size_t n = 0;
	char quote;

	if (!p)
		return SANITIZE_UTF8;
	p += strlen("encoding");
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p++ != '=')
		return SANITIZE_UTF8;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	quote = *p++;
	if (quote != '"' && quote != '\'')
		return SANITIZE_UTF8;
	while (*p && *p != quote && n < sizeof(s->encoding) - 1) {
		char c = *p++;

		name[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	name[n] = '\0';
	if (!strcmp(name, "utf-8") || !strcmp(name, "utf8") || !n ||
	    !strcmp(name, "us-ascii") || !strcmp(name, "ascii"))
		return SANITIZE_UTF8;
	if (!strncmp(name, "utf-16", 6) || !strncmp(name, "utf16", 5))
		return SANITIZE_RAW;
	return SANITIZE_BYTES;
}

/*
 * Watches the bytes of the XML declaration (ASCII by definition) and sets
 * the mode once it is complete; anything that is not a declaration ends
 * the watch with the UTF-8 default.  A leading byte order mark is skipped.
 */
static void sniff(struct sanitize *s, unsigned char b)
{
	static const char start[] = "<?xml";

	if (!s->ndecl && (b == 0xef || b == 0xbb || b == 0xbf))
		return;
	if (b >= 0x80 || s->ndecl == sizeof(s->decl) - 1) {
		s->sniffing = 0;
		return;
	}
	s->decl[s->ndecl++] = (char)b;
	if (s->ndecl < sizeof(start) &&
	    b != (unsigned char)start[s->ndecl - 1]) {
		s->sniffing = 0;
		return;
	}
	if (b == '>' && s->decl[s->ndecl - 2] == '?') {
		s->decl[s->ndecl] = '\0';
		s->sniffing = 0;
		s->mode = decl_mode(s);
	}
}

/* Ends a reference on ';': kept if it names an allowed character. */
static unsigned char *ref_close(struct sanitize *s, unsigned char *o)
{
	if (xml_char(s->ref_value)) {
		o = put(o, s->ref, s->nref);
		*o++ = ';';
	} else {
		s->replaced++;
		o = put(o, replacement_ref, strlen(replacement_ref));
	}
	s->nref = 0;
	return o;
}

/*
 * Continues the reference in s->ref with b.  Returns 1 if b was taken;
 * otherwise the held bytes have been written unchanged and b is still to
 * be handled.
 */
static int ref_step(struct sanitize *s, unsigned char b, unsigned char **op)
{
	size_t digits = s->nref - 2 - (size_t)s->ref_hex;
	int d = -1;

	if (s->nref == 1) {
		if (b != '#')
			goto flush;
		s->ref[s->nref++] = b;
		return 1;
	}
	if (s->nref == 2 && b == 'x') {
		s->ref_hex = 1;
		s->ref[s->nref++] = b;
		return 1;
	}
	if (b == ';' && digits) {
		*op = ref_close(s, *op);
		return 1;
	}
	if (b >= '0' && b <= '9')
		d = b - '0';
	else if (s->ref_hex && b >= 'a' && b <= 'f')
		d = b - 'a' + 10;
	else if (s->ref_hex && b >= 'A' && b <= 'F')
		d = b - 'A' + 10;
	if (d < 0 || s->nref == sizeof(s->ref))
		goto flush;
	s->ref[s->nref++] = b;
	s->ref_value = s->ref_value * (s->ref_hex ? 16 : 10) + (uint32_t)d;
	if (s->ref_value > 0x110000)
		s->ref_value = 0x110000;
	return 1;
flush:
	*op = put(*op, s->ref, s->nref);
	s->nref = 0;
	return 0;
}

/* Starts a UTF-8 sequence at lead byte b, or replaces b if it is no lead. */
static unsigned char *u8_start(struct sanitize *s, unsigned char b,
			       unsigned char *o)
{
	s->u8lo = 0x80;
	s->u8hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf) {
		s->u8len = 2;
	} else if (b >= 0xe0 && b <= 0xef) {
		s->u8len = 3;
		if (b == 0xe0)
			s->u8lo = 0xa0;
		else if (b == 0xed)
			s->u8hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		s->u8len = 4;
		if (b == 0xf0)
			s->u8lo = 0x90;
		else if (b == 0xf4)
			s->u8hi = 0x8f;
	} else {
		return replace(s, o);
	}
	s->u8[0] = b;
	s->nu8 = 1;
	return o;
}

/* Continues the UTF-8 sequence under way with b; returns 1 if b was taken. */
static int u8_step(struct sanitize *s, unsigned char b, unsigned char **op)
{
	const unsigned char *u = s->u8;

	if (b < s->u8lo || b > s->u8hi) {
		*op = replace(s, *op);
		s->nu8 = 0;
		return 0;
	}
	s->u8[s->nu8++] = b;
	s->u8lo = 0x80;
	s->u8hi = 0xbf;
	if (s->nu8 < s->u8len)
		return 1;
	/* U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters. */
	if (s->u8len == 3 && u[0] == 0xef && u[1] == 0xbf && u[2] >= 0xbe)
		*op = replace(s, *op);
	else
		*op = put(*op, s->u8, s->u8len);
	s->nu8 = 0;
	return 1;
}

/* The slow path: one byte, with whatever is under way. */
static unsigned char *step(struct sanitize *s, unsigned char b,
			   unsigned char *o)
{
	if (s->sniffing)
		sniff(s, b);
	if (s->nref && ref_step(s, b, &o))
		return o;
	if (s->nu8 && u8_step(s, b, &o))
		return o;
	if (b == '&') {
		s->ref[0] = b;
		s->nref = 1;
		s->ref_value = 0;
		s->ref_hex = 0;
		return o;
	}
	if (b < 0x20) {
		if (b == '\n' || b == '\t' || b == '\r')
			*o++ = b;
		else
			o = replace(s, o);
		return o;
	}
	if (b < 0x80 || s->mode != SANITIZE_UTF8) {
		*o++ = b;
		return o;
	}
	return u8_start(s, b, o);
}

/* True when two bytes start a UTF-16 document, with or without a BOM. */
static int utf16_start(unsigned char a, unsigned char b)
{
	return (a == 0xff && b == 0xfe) || (a == 0xfe && b == 0xff) ||
	       (a == 0 && b == '<') || (a == '<' && b == 0);
}

/* The first two bytes of the input. */
static unsigned char *start_step(struct sanitize *s, unsigned char b,
				 unsigned char *o)
{
	if (s->state == SANITIZE_START) {
		if (b == 0xff || b == 0xfe || b == 0 || b == '<') {
			s->held = b;
			s->state = SANITIZE_HOLD;
			return o;
		}
		s->state = SANITIZE_BODY;
		return step(s, b, o);
	}
	s->state = SANITIZE_BODY;
	if (utf16_start(s->held, b)) {
		s->mode = SANITIZE_RAW;
		s->sniffing = 0;
		*o++ = s->held;
		*o++ = b;
		return o;
	}
	o = step(s, s->held, o);
	return step(s, b, o);
}

size_t sanitize_feed(struct sanitize *s, const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	const unsigned char *end = p + len;
	unsigned char *o = (unsigned char *)out;

	while (p < end) {
		if (s->state != SANITIZE_BODY) {
			o = start_step(s, *p++, o);
			continue;
		}
		if (s->mode == SANITIZE_RAW) {
			o = put(o, p, (size_t)(end - p));
			break;
		}
		if (!s->nref && !s->nu8 && !s->sniffing) {
			const unsigned char *run = p;

			while (p < end && plain(*p, s->mode))
				p++;
			o = put(o, run, (size_t)(p - run));
			if (p == end)
				break;
		}
		o = step(s, *p++, o);
	}
	return (size_t)(o - (unsigned char *)out);
}

size_t sanitize_finish(struct sanitize *s, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (s->state == SANITIZE_HOLD) {
		s->state = SANITIZE_BODY;
		o = step(s, s->held, o);
	}
	if (s->nref) {
		o = put(o, s->ref, s->nref);
		s->nref = 0;
	}
	if (s->nu8) {
		o = replace(s, o);
		s->nu8 = 0;
	}
	return (size_t)(o - (unsigned char *)out);
}
