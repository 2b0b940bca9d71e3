/*
 * cluster.c - failure messages normalised and hashed into clusters.
 *
 * One pass over the message: at each position the masks are tried from
 * the most specific (a UUID, a time) to the least (a run of digits); the
 * first that matches consumes its text and emits its placeholder.
 */
#include <string.h>

#include "analysis/cluster.h"
#include "core/sha256.h"
#include "core/banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Characters that end a path or URL token. */
static int ends_token(char c)
{
	return is_space(c) || strchr("\"'`,;()[]{}<>|", c) != NULL;
}

/* The number of characters of class fn at s[i..n-1], at most max. */
static size_t span(const char *s, size_t i, size_t n, int (*fn)(char),
		   size_t max)
{
	size_t k = 0;

	while (i + k < n && k < max && fn(s[i + k]))
		k++;
	return k;
}

/* Exactly k digits at s[i]. */
static int digits(const char *s, size_t i, size_t n, size_t k)
{
	return span(s, i, n, is_digit, k) == k;
}

/* The length of a UUID at s[i], or 0. */
static size_t match_uuid(const char *s, size_t i, size_t n)
{
	static const size_t groups[] = {8, 4, 4, 4, 12};
	size_t at = i;

	for (size_t g = 0; g < 5; g++) {
		if (span(s, at, n, is_hex, groups[g]) != groups[g])
			return 0;
		at += groups[g];
		if (g < 4) {
			if (at >= n || s[at] != '-')
				return 0;
			at++;
		}
	}
	return at < n && is_alnum(s[at]) ? 0 : at - i;
}

/* hh:mm, with :ss and a fraction optional, at s[i]; its length or 0. */
static size_t match_clock(const char *s, size_t i, size_t n, int need_secs)
{
	size_t at = i;

	if (!digits(s, at, n, 2) || at + 2 >= n || s[at + 2] != ':' ||
	    !digits(s, at + 3, n, 2))
		return 0;
	at += 5;
	if (at + 2 < n && s[at] == ':' && digits(s, at + 1, n, 2)) {
		at += 3;
		if (at + 1 < n && (s[at] == '.' || s[at] == ',') &&
		    is_digit(s[at + 1]))
			at += 1 + span(s, at + 1, n, is_digit, 9);
	} else if (need_secs) {
		return 0;
	}
	if (at < n && s[at] == 'Z') {
		at++;
	} else if (at + 2 < n && (s[at] == '+' || s[at] == '-') &&
		   digits(s, at + 1, n, 2)) {
		at += 3;
		if (at + 2 < n && s[at] == ':' && digits(s, at + 1, n, 2))
			at += 3;
		else if (digits(s, at, n, 2))
			at += 2;
	}
	return at - i;
}

/* The length of a date (and time) or a time with seconds at s[i], or 0. */
static size_t match_time(const char *s, size_t i, size_t n)
{
	size_t at = i, k;

	if (digits(s, at, n, 4) && at + 9 < n && s[at + 4] == '-' &&
	    digits(s, at + 5, n, 2) && s[at + 7] == '-' &&
	    digits(s, at + 8, n, 2)) {
		at += 10;
		if (at + 1 < n && (s[at] == 'T' || s[at] == ' ') &&
		    (k = match_clock(s, at + 1, n, 0)))
			at += 1 + k;
	} else {
		at += match_clock(s, at, n, 1);
	}
	if (at == i || (at < n && is_alnum(s[at])))
		return 0;
	return at - i;
}

/* The end of the path-like token at s[i]. */
static size_t token_end(const char *s, size_t i, size_t n)
{
	while (i < n && !ends_token(s[i]))
		i++;
	return i;
}

/*
 * A URL or path at s[i] (at a token start): sets *len to its length
 * without trailing punctuation and returns its placeholder, or NULL.
 */
static const char *match_path(const char *s, size_t i, size_t n, size_t *len)
{
	size_t end = token_end(s, i, n), slashes = 0, backslashes = 0, k;
	int alnum = 0, rooted;

	while (end > i && strchr(".:,;!?", s[end - 1]))
		end--;
	if (end - i < 2)
		return NULL;
	for (k = i; k < end; k++) {
		slashes += s[k] == '/';
		backslashes += s[k] == '\\';
		alnum |= is_alnum(s[k]);
	}
	*len = end - i;
	for (k = i; k < end && is_alpha(s[k]); k++)
		;
	if (k > i && k + 2 < end && !memcmp(s + k, "://", 3))
		return "<url>";
	rooted = s[i] == '/' || (s[i] == '~' && s[i + 1] == '/') ||
		 (s[i] == '.' &&
		  (s[i + 1] == '/' ||
		   (s[i + 1] == '.' && end - i > 2 && s[i + 2] == '/'))) ||
		 (is_alpha(s[i]) && s[i + 1] == ':' && end - i > 2 &&
		  s[i + 2] == '\\');
	if (alnum && (rooted || slashes >= 2 || backslashes >= 2))
		return "<path>";
	return NULL;
}

/* A quoted string at s[i]: its length with the quotes, or 0. */
static size_t match_quoted(const char *s, size_t i, size_t n)
{
	char q = s[i];
	size_t k;

	for (k = i + 1; k < n && k - i < 512; k++) {
		if (s[k] == '\n')
			return 0;
		if (s[k] == q) {
			if (k == i + 1 || (k + 1 < n && is_alnum(s[k + 1])))
				return 0;
			return k + 1 - i;
		}
	}
	return 0;
}

/* Emits the word s[i..j-1] (letters and digits) masked as it needs. */
static void add_word(struct buf *out, const char *s, size_t i, size_t j)
{
	size_t k, ndig = 0, nhex = 0;

	for (k = i; k < j; k++) {
		ndig += is_digit(s[k]);
		nhex += is_hex(s[k]);
	}
	if (ndig == j - i) {
		buf_adds(out, "<n>");
	} else if (j - i >= 5 && nhex == j - i && ndig) {
		buf_adds(out, "<hex>");
	} else if (j - i >= 20 && ndig) {
		buf_adds(out, "<token>");
	} else {
		for (k = i; k < j; k++) {
			if (!is_digit(s[k]))
				buf_addch(out, s[k]);
			else if (k == i || !is_digit(s[k - 1]))
				buf_adds(out, "<n>");
		}
	}
}

/* Whether s[i] starts a token: nothing word-like or path-like before. */
static int token_start(const char *s, size_t i)
{
	return i == 0 ||
	       !(is_alnum(s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '/' ||
		 s[i - 1] == '\\' || s[i - 1] == '.' || s[i - 1] == '-');
}

/* Masks what starts at s[i], if anything; returns the length consumed. */
static size_t add_masked(struct buf *out, const char *s, size_t i, size_t n)
{
	const char *ph;
	size_t k;
	char c = s[i];

	if (is_hex(c) && token_start(s, i) && (k = match_uuid(s, i, n))) {
		buf_adds(out, "<uuid>");
		return k;
	}
	if (is_digit(c) && token_start(s, i) && (k = match_time(s, i, n))) {
		buf_adds(out, "<time>");
		return k;
	}
	if (token_start(s, i) && (ph = match_path(s, i, n, &k))) {
		buf_adds(out, ph);
		return k;
	}
	if ((c == '\'' || c == '"' || c == '`') &&
	    (i == 0 || !is_alnum(s[i - 1])) && (k = match_quoted(s, i, n))) {
		buf_addch(out, c);
		buf_adds(out, "<str>");
		buf_addch(out, c);
		return k;
	}
	if (c == '0' && i + 2 < n && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
	    is_hex(s[i + 2]) && token_start(s, i)) {
		k = 2 + span(s, i + 2, n, is_hex, n);
		if (i + k >= n || !is_alnum(s[i + k])) {
			buf_adds(out, "<hex>");
			return k;
		}
	}
	return 0;
}

void cluster_normalise(const char *msg, size_t len, struct buf *out)
{
	size_t start = out->len, i = 0, k;

	if (len > CLUSTER_INPUT_MAX)
		len = CLUSTER_INPUT_MAX;
	while (i < len) {
		if (is_space(msg[i])) {
			if (out->len > start && out->data[out->len - 1] != ' ')
				buf_addch(out, ' ');
			i++;
		} else if ((k = add_masked(out, msg, i, len))) {
			i += k;
		} else if (is_alnum(msg[i])) {
			k = i + span(msg, i, len, is_alnum, len);
			add_word(out, msg, i, k);
			i = k;
		} else {
			buf_addch(out, msg[i++]);
		}
	}
	if (out->len > start && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
}

void cluster_id(const char *normalised, size_t len, char out[CLUSTER_ID_SIZE])
{
	char hex[65];

	sha256_hex(normalised, len, hex);
	memcpy(out, hex, CLUSTER_ID_SIZE - 1);
	out[CLUSTER_ID_SIZE - 1] = '\0';
}

/* Whether the len bytes at s are all white space. */
static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

const char *cluster_reason(const char *message, const char *text, size_t *len)
{
	const char *p, *eol;

	*len = 0;
	if (message && !blank(message, strlen(message))) {
		*len = strlen(message);
		return message;
	}
	for (p = text; p && *p; p = eol + (*eol != '\0')) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (!blank(p, (size_t)(eol - p))) {
			*len = (size_t)(eol - p);
			return p;
		}
	}
	return NULL;
}
