/*
 * jattr.c - JUnit attribute values (see jattr.h).
 */
#include "ingest/jattr.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

const char *jattr_get(const char **attrs, const char *name)
{
	for (; *attrs; attrs += 2)
		if (!strcmp(attrs[0], name))
			return attrs[1];
	return NULL;
}

const char *jattr_str(const char **attrs, const char *name)
{
	const char *v = jattr_get(attrs, name);

	return v ? v : "";
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * True when s[0..len) is digits grouped in thousands: 1-3 digits not
 * starting with 0, then one or more ",ddd" groups.
 */
static int thousands(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 4 && is_digit(s[i]))
		i++;
	if (!i || i > 3 || s[0] == '0' || i == len)
		return 0;
	for (; i < len; i += 4) {
		if (s[i] != ',' || len - i < 4)
			return 0;
		if (!is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
		    !is_digit(s[i + 3]))
			return 0;
	}
	return 1;
}

int64_t jattr_seconds(const char *s)
{
	char clean[64], *end;
	size_t len, n = 0, i, int_len, commas = 0, int_commas = 0, dots = 0;
	int grouped, decimal;
	double v;

	if (!s)
		return -1;
	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len && is_space(s[len - 1]))
		len--;
	/* A leading digit or dot keeps out signs, "nan", "inf" and hex. */
	if (!len || len >= sizeof(clean) || !(s[0] == '.' || is_digit(s[0])))
		return -1;
	int_len = strcspn(s, ".eE");
	if (int_len > len)
		int_len = len;
	for (i = 0; i < len; i++) {
		if (!strchr("0123456789.,eE+-", s[i]))
			return -1;
		commas += s[i] == ',';
		int_commas += s[i] == ',' && i < int_len;
		dots += s[i] == '.';
	}
	grouped = commas && int_commas == commas && thousands(s, int_len);
	decimal = commas == 1 && !dots && !grouped;
	if (commas && !grouped && !decimal)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] != ',')
			clean[n++] = s[i];
		else if (decimal)
			clean[n++] = '.';
	}
	clean[n] = '\0';
	v = strtod(clean, &end);
	if (*end || !isfinite(v) || v < 0 || v > 1e12)
		return -1;
	return (int64_t)llround(v * 1000.0);
}

int64_t jattr_count(const char *s)
{
	char *end;
	long long v;

	if (!s)
		return -1;
	while (is_space(*s))
		s++;
	if (!is_digit(*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (is_space(*end))
		end++;
	if (*end || errno)
		return -1;
	return v;
}

int64_t jattr_timestamp(const char *s, int64_t fallback)
{
	int64_t ms;

	if (!s || !*s || timestamp_parse_any(s, &ms) < 0)
		return fallback;
	return ms;
}

/* The rank one status or result word implies. */
static enum jattr_rank word_rank(const char *w)
{
	static const char *const skip[] = {"notrun", "disabled", "skipped",
					   "skip",   "ignored",	 "suppressed"};
	static const char *const fail[] = {"fail", "failed", "failure"};
	size_t i;

	if (!w)
		return JATTR_PASS;
	if (!strcasecmp(w, "error") || !strcasecmp(w, "errored"))
		return JATTR_ERROR;
	for (i = 0; i < ARRAY_SIZE(fail); i++)
		if (!strcasecmp(w, fail[i]))
			return JATTR_FAIL;
	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strcasecmp(w, skip[i]))
			return JATTR_SKIP;
	return JATTR_PASS;
}

enum jattr_rank jattr_status(const char *status, const char *result)
{
	enum jattr_rank a = word_rank(status), b = word_rank(result);

	return a > b ? a : b;
}

int jattr_true(const char *s)
{
	return s && (!strcasecmp(s, "true") || !strcmp(s, "1"));
}
