/*
 * config_parse.c - the INI file format: sections, keys and their checks.
 *
 * Files are parsed with inih as Debian ships it (r55: 200-byte line buffer,
 * multi-line values on, no line number given to the handler).  We feed inih
 * through ini_parse_stream() one line per reader call, so the reader's
 * count is the line the handler is working on.  The reader also refuses
 * what inih would silently accept or mangle: lines too long for its buffer
 * (inih would split them), invalid UTF-8, and unknown section headers
 * (inih calls no handler for a section), and it strips leading blanks so
 * that an indented line is never taken as the continuation of the previous
 * value.  A load works on a copy of the configuration, swapped in only when
 * the whole text is good.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define PROJECT_NAME_MAX 64

enum section_kind {
	SECTION_STORE,
	SECTION_SERVER,
	SECTION_AGGREGATION,
	SECTION_PROJECT,
};

enum key_type {
	KEY_STORE_URL, /* sqlite:PATH or postgresql://..., no password */
	KEY_LISTEN,    /* HOST:PORT, required */
	KEY_ENV_NAME,  /* the name of an environment variable */
	KEY_REPO,      /* OWNER/REPO */
	KEY_WORD,      /* one word without blanks */
	KEY_INT,       /* int from imin to imax */
	KEY_ID,	       /* int64_t of at least 1; empty = 0, none */
	KEY_REAL,      /* double from dmin to dmax */
	KEY_FRACTION,  /* double strictly between dmin and dmax */
	KEY_LIST,      /* comma-separated, blanks around items dropped */
};

/* One key: where its value lives in its section's struct, and its range. */
struct key_spec {
	const char *name;
	enum key_type type;
	size_t offset;
	int imin, imax;
	double dmin, dmax;
};

struct section_spec {
	const char *name;
	enum section_kind kind;
	const struct key_spec *keys;
	size_t nkeys;
};

#define AGG(f) offsetof(struct config_aggregation, f)
#define PRJ(f) offsetof(struct config_project, f)

static const struct key_spec store_keys[] = {
	{"url", KEY_STORE_URL, offsetof(struct config, store_url), 0, 0, 0, 0},
};

static const struct key_spec server_keys[] = {
	{"listen", KEY_LISTEN, offsetof(struct config, server_listen), 0, 0, 0,
	 0},
	{"token_env", KEY_ENV_NAME, offsetof(struct config, server_token_env),
	 0, 0, 0, 0},
};

static const struct key_spec aggregation_keys[] = {
	{"min_attempts", KEY_INT, AGG(min_attempts), 1, 1000, 0, 0},
	{"pity", KEY_INT, AGG(pity), 0, 100, 0, 0},
	{"alpha", KEY_FRACTION, AGG(alpha), 0, 0, 0, 1},
	{"corpus", KEY_INT, AGG(corpus), 1, 100000, 0, 0},
	{"history_runs", KEY_INT, AGG(history_runs), 1, 100000, 0, 0},
	{"history_days", KEY_INT, AGG(history_days), 1, 3650, 0, 0},
	{"no_history_percent", KEY_REAL, AGG(no_history_percent), 0, 0, 0, 100},
	{"failed_history_percent", KEY_REAL, AGG(failed_history_percent), 0, 0,
	 0, 100},
	{"always_pass", KEY_LIST, AGG(always_pass), 0, 0, 0, 0},
	{"never_fail", KEY_LIST, AGG(never_fail), 0, 0, 0, 0},
};

static const struct key_spec project_keys[] = {
	{"testrail_project_id", KEY_ID, PRJ(testrail_project_id), 0, 0, 0, 0},
	{"bugzilla_products", KEY_LIST, PRJ(bugzilla_products), 0, 0, 0, 0},
	{"bugzilla_components", KEY_LIST, PRJ(bugzilla_components), 0, 0, 0, 0},
	{"github_repo", KEY_REPO, PRJ(github_repo), 0, 0, 0, 0},
	{"github_labels", KEY_LIST, PRJ(github_labels), 0, 0, 0, 0},
	{"taskcluster_index", KEY_WORD, PRJ(taskcluster_index), 0, 0, 0, 0},
	{"bitrise_app", KEY_WORD, PRJ(bitrise_app), 0, 0, 0, 0},
};

static const struct section_spec sections[] = {
	{"store", SECTION_STORE, store_keys, ARRAY_SIZE(store_keys)},
	{"server", SECTION_SERVER, server_keys, ARRAY_SIZE(server_keys)},
	{"aggregation", SECTION_AGGREGATION, aggregation_keys,
	 ARRAY_SIZE(aggregation_keys)},
	{"project", SECTION_PROJECT, project_keys, ARRAY_SIZE(project_keys)},
};

#define SECTIONS_EXPECTED "[store], [server], [aggregation], [project \"NAME\"]"

/* A list key this file has set, so that its next lines add to it. */
struct parse_touched {
	size_t project; /* SIZE_MAX outside [project] */
	const struct key_spec *key;
};

/* One file being applied to a staging copy of the configuration. */
struct parse {
	struct config *cfg;
	const char *path;
	const char *next, *end; /* the text not yet read */
	int lineno;		/* the line the reader last gave inih */
	int err_line;		/* where the first error is, 0 = none */
	int max_line;		/* the longest line inih takes */
	const struct section_spec *section; /* NULL before the first */
	size_t project;			    /* index of the current project */
	struct parse_touched *touched;
	size_t ntouched, touched_cap;
};

/* Sets the message "PATH:LINE: <formatted>" and marks the parse failed. */
__attribute__((format(printf, 2, 3))) static int
parse_fail(struct parse *p, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	buf_addf(&msg, "%s:%d: ", p->path, p->lineno);
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err_set("%s", msg.data);
	buf_release(&msg);
	p->err_line = p->lineno;
	return -1;
}

/* True when s[0..len) is well-formed UTF-8 (no overlong forms, no UTF-16
 * surrogates, nothing past U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, n, j;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 3;
		else
			return 0;
		if (len - i <= n)
			return 0;
		cp = s[i] & (0x3f >> n);
		for (j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int valid_project_name(const char *s, size_t len)
{
	size_t i;

	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

/* Enters the [project "NAME"] whose quoted part is sub[0..len). */
static int enter_project(struct parse *p, const char *sub, size_t len)
{
	char *name;

	if (!len)
		return parse_fail(p, "[project] needs a name, as in "
				     "[project \"NAME\"]");
	if (len < 2 || sub[0] != '"' || sub[len - 1] != '"' ||
	    memchr(sub + 1, '"', len - 2))
		return parse_fail(p, "a project name goes in double quotes, "
				     "as in [project \"NAME\"]");
	sub++;
	len -= 2;
	if (!len)
		return parse_fail(p, "empty project name in [project \"\"]");
	if (len > PROJECT_NAME_MAX || !valid_project_name(sub, len))
		return parse_fail(p,
				  "project name '%.*s' must be 1 to %d "
				  "letters, digits, '-', '_' or '.', starting "
				  "with a letter or digit",
				  (int)len, sub, PROJECT_NAME_MAX);
	if (len == 3 && !strncasecmp(sub, "all", 3))
		return parse_fail(p,
				  "project name '%.*s' is reserved: "
				  "--project ALL means every project",
				  (int)len, sub);
	name = xstrndup(sub, len);
	p->project =
		(size_t)(config_project_add(p->cfg, name) - p->cfg->projects);
	free(name);
	return 0;
}

/* Checks the section header `line` ("[...]...") and makes it current. */
static int enter_section(struct parse *p, const char *line)
{
	const char *in = line + 1, *end = strchr(line, ']'), *rest, *sub;
	size_t i, wlen;

	if (!end)
		return parse_fail(p, "section header without a closing ']'");
	rest = end + 1 + strspn(end + 1, " \t");
	if (*rest && *rest != ';' && *rest != '#')
		return parse_fail(p, "unexpected text after ']'");
	while (in < end && isspace((unsigned char)*in))
		in++;
	while (end > in && isspace((unsigned char)end[-1]))
		end--;
	wlen = strcspn(in, " \t\"]");
	sub = in + wlen;
	while (sub < end && isspace((unsigned char)*sub))
		sub++;
	for (i = 0; i < ARRAY_SIZE(sections); i++) {
		const struct section_spec *s = &sections[i];

		if (strlen(s->name) != wlen || strncasecmp(in, s->name, wlen))
			continue;
		p->section = s;
		if (s->kind == SECTION_PROJECT)
			return enter_project(p, sub, (size_t)(end - sub));
		if (sub < end)
			return parse_fail(p, "[%s] takes no name", s->name);
		return 0;
	}
	return parse_fail(p, "unknown section [%.*s]; expected one of %s",
			  (int)(end - in), in, SECTIONS_EXPECTED);
}

/* True when inih will find a '=' or ':' before any inline comment. */
static int has_delimiter(const char *s)
{
	const char *c;

	for (c = s; *c; c++) {
		if (*c == '=' || *c == ':')
			return 1;
		if (*c == ';' && c > s && isspace((unsigned char)c[-1]))
			return 0;
	}
	return 0;
}

/*
 * The ini_reader: copies the next line into str without its end of line
 * and leading blanks, after checking it; NULL at the end or after an error.
 */
static char *parse_reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *line = p->next, *eol;
	size_t len, blanks;

	if (p->err_line || p->next >= p->end || num < 1)
		return NULL;
	p->max_line = num - 1;
	eol = memchr(line, '\n', (size_t)(p->end - line));
	len = eol ? (size_t)(eol - line) : (size_t)(p->end - line);
	p->next = line + len + (eol ? 1 : 0);
	p->lineno++;
	if (len && line[len - 1] == '\r')
		len--;
	if (p->lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) {
		line += 3;
		len -= 3;
	}
	if (len > (size_t)p->max_line) {
		parse_fail(p,
			   "line too long: lines are limited to %d bytes; "
			   "split a long list over several lines with the "
			   "same key",
			   p->max_line);
		return NULL;
	}
	if (memchr(line, '\0', len) ||
	    !utf8_valid((const unsigned char *)line, len)) {
		parse_fail(p, "line is not valid UTF-8 text");
		return NULL;
	}
	blanks = 0;
	while (blanks < len && isspace((unsigned char)line[blanks]))
		blanks++;
	memcpy(str, line + blanks, len - blanks);
	str[len - blanks] = '\0';
	if (str[0] == '[') {
		if (enter_section(p, str) < 0)
			return NULL;
	} else if (str[0] && str[0] != ';' && str[0] != '#' &&
		   !has_delimiter(str)) {
		parse_fail(p, "expected [section], key = value or a comment");
		return NULL;
	}
	return str;
}

/* Strict base-10 integer: all of s, no blanks, within long long. */
static int parse_integer(const char *s, long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '-')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

static int parse_real(const char *s, double *out)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.')
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !isfinite(*out) ? -1 : 0;
}

static int valid_listen(const char *s)
{
	const char *colon, *c;
	long long port;

	if (*s == '[') {
		colon = strchr(s, ']');
		if (!colon || colon == s + 1 || colon[1] != ':')
			return 0;
		for (c = s + 1; c < colon; c++)
			if (!isxdigit((unsigned char)*c) && !strchr(":.", *c))
				return 0;
		colon++;
	} else {
		colon = strchr(s, ':');
		if (!colon || colon == s)
			return 0;
		for (c = s; c < colon; c++)
			if (!isalnum((unsigned char)*c) && !strchr(".-_", *c))
				return 0;
	}
	return !parse_integer(colon + 1, &port) && port >= 1 && port <= 65535;
}

static int valid_env_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int valid_repo(const char *s)
{
	const char *slash = strchr(s, '/'), *c;

	if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-_./", *c))
			return 0;
	return 1;
}

static int valid_word(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return 0;
	return 1;
}

/* Checks a string value by its type; the message never shows a secret. */
static int check_string(struct parse *p, const struct key_spec *k,
			const char *value)
{
	char *masked;
	int differs;

	switch (k->type) {
	case KEY_STORE_URL:
		masked = config_mask_url(value);
		differs = strcmp(masked, value);
		free(masked);
		if (differs)
			return parse_fail(p,
					  "'%s' must not hold a password; "
					  "set PGPASSWORD or use ~/.pgpass",
					  k->name);
		if ((!strncmp(value, "sqlite:", 7) && value[7]) ||
		    !strncmp(value, "postgresql://", 13) ||
		    !strncmp(value, "postgres://", 11))
			return 0;
		return parse_fail(
			p,
			"'%s' must be sqlite:PATH or "
			"postgresql://[USER@]HOST[:PORT]/DB, got '%s'",
			k->name, value);
	case KEY_LISTEN:
		if (valid_listen(value))
			return 0;
		return parse_fail(p,
				  "'%s' must be HOST:PORT with a port from 1 "
				  "to 65535, got '%s'",
				  k->name, value);
	case KEY_ENV_NAME:
		if (valid_env_name(value))
			return 0;
		return parse_fail(p,
				  "'%s' must be the name of an environment "
				  "variable (letters, digits and '_'), not "
				  "its value",
				  k->name);
	case KEY_REPO:
		if (valid_repo(value))
			return 0;
		return parse_fail(p, "'%s' must be OWNER/REPO, got '%s'",
				  k->name, value);
	default:
		if (valid_word(value))
			return 0;
		return parse_fail(p,
				  "'%s' must be one word without blanks, "
				  "got '%s'",
				  k->name, value);
	}
}

/* True when this file has set the list key k of the current section. */
static int list_touched(struct parse *p, const struct key_spec *k)
{
	size_t i, project = p->section->kind == SECTION_PROJECT ? p->project
								: SIZE_MAX;

	for (i = 0; i < p->ntouched; i++)
		if (p->touched[i].project == project && p->touched[i].key == k)
			return 1;
	ALLOC_GROW(p->touched, p->ntouched + 1, p->touched_cap);
	p->touched[p->ntouched].project = project;
	p->touched[p->ntouched++].key = k;
	return 0;
}

static void set_list(struct config_list *list, const char *value)
{
	const char *s = value;

	for (;;) {
		size_t len = strcspn(s, ","), start = 0;

		while (start < len && isspace((unsigned char)s[start]))
			start++;
		while (len > start && isspace((unsigned char)s[len - 1]))
			len--;
		if (len > start) {
			char *item = xstrndup(s + start, len - start);

			config_list_add(list, item);
			free(item);
		}
		s += strcspn(s, ",");
		if (!*s++)
			break;
	}
}

/* Stores value in the field of k at base, after checking it. */
static int set_value(struct parse *p, const struct key_spec *k, void *base,
		     const char *value)
{
	void *field = (char *)base + k->offset;
	long long n = 0;
	double d;

	switch (k->type) {
	case KEY_INT:
		if (parse_integer(value, &n) || n < k->imin || n > k->imax)
			return parse_fail(p,
					  "'%s' must be an integer from %d to "
					  "%d, got '%s'",
					  k->name, k->imin, k->imax, value);
		*(int *)field = (int)n;
		return 0;
	case KEY_ID:
		if (*value && (parse_integer(value, &n) || n < 1))
			return parse_fail(p,
					  "'%s' must be an integer of at least "
					  "1, got '%s'",
					  k->name, value);
		*(int64_t *)field = *value ? n : 0;
		return 0;
	case KEY_REAL:
		if (parse_real(value, &d) || d < k->dmin || d > k->dmax)
			return parse_fail(p,
					  "'%s' must be a number from %g to "
					  "%g, got '%s'",
					  k->name, k->dmin, k->dmax, value);
		*(double *)field = d;
		return 0;
	case KEY_FRACTION:
		if (parse_real(value, &d) || d <= k->dmin || d >= k->dmax)
			return parse_fail(p,
					  "'%s' must be a number greater than "
					  "%g and less than %g, got '%s'",
					  k->name, k->dmin, k->dmax, value);
		*(double *)field = d;
		return 0;
	case KEY_LIST:
		if (!list_touched(p, k))
			config_list_clear(field);
		set_list(field, value);
		return 0;
	default:
		if ((*value || k->type == KEY_LISTEN) &&
		    check_string(p, k, value) < 0)
			return -1;
		free(*(char **)field);
		*(char **)field = *value ? xstrdup(value) : NULL;
		return 0;
	}
}

static void *section_base(struct config *cfg, enum section_kind kind,
			  size_t project)
{
	if (kind == SECTION_AGGREGATION)
		return &cfg->aggregation;
	if (kind == SECTION_PROJECT)
		return &cfg->projects[project];
	return cfg;
}

static int refuse_secret(struct parse *p, const char *name)
{
	struct buf vars = BUF_INIT;
	size_t i;

	for (i = 0; config_credentials[i].name; i++)
		if (config_credentials[i].secret)
			buf_addf(&vars, "%s, ", config_credentials[i].name);
	parse_fail(p,
		   "'%s' looks like a secret; secrets are read only from the "
		   "environment (%sand the variable named by [server] "
		   "token_env), never from a config file",
		   name, vars.data);
	buf_release(&vars);
	return -1;
}

static int unknown_key(struct parse *p, const char *name)
{
	const struct section_spec *s = p->section;
	struct buf keys = BUF_INIT;
	size_t i;

	for (i = 0; i < s->nkeys; i++)
		buf_addf(&keys, "%s%s", i ? ", " : "", s->keys[i].name);
	if (s->kind == SECTION_PROJECT)
		parse_fail(p,
			   "unknown key '%s' in [project \"%s\"]; valid "
			   "keys: %s",
			   name, p->cfg->projects[p->project].name, keys.data);
	else
		parse_fail(p, "unknown key '%s' in [%s]; valid keys: %s", name,
			   s->name, keys.data);
	buf_release(&keys);
	return -1;
}

/* Applies one key = value line of the current section. */
static int apply_key(struct parse *p, const char *name, const char *value)
{
	const struct section_spec *s = p->section;
	size_t i, len = strlen(name);

	if (!len)
		return parse_fail(p, "a key name is missing before '='");
	if (config_secret_name(name, len) &&
	    !(len > 4 && !strcasecmp(name + len - 4, "_env")))
		return refuse_secret(p, name);
	if (!s)
		return parse_fail(p,
				  "'%s' is outside any section; expected "
				  "a section first: %s",
				  name, SECTIONS_EXPECTED);
	for (i = 0; i < s->nkeys; i++)
		if (!strcasecmp(name, s->keys[i].name))
			return set_value(
				p, &s->keys[i],
				section_base(p->cfg, s->kind, p->project),
				value);
	return unknown_key(p, name);
}

/* The ini_handler; the reader has set the section and the line number. */
static int parse_handler(void *user, const char *section, const char *name,
			 const char *value)
{
	struct parse *p = user;

	(void)section;
	if (p->err_line || apply_key(p, name, value) < 0)
		return 0;
	return 1;
}

int config_load_text(struct config *cfg, const char *name, const char *text,
		     size_t len)
{
	struct config staging;
	struct parse p = {0};
	int ret;

	config_copy(&staging, cfg);
	p.cfg = &staging;
	p.path = name;
	p.next = text;
	p.end = text + len;
	p.max_line = INI_MAX_LINE - 1;
	ret = ini_parse_stream(parse_reader, &p, parse_handler, &p);
	if (ret < 0 && !p.err_line)
		err_set("cannot parse config '%s': inih error %d", name, ret);
	else if (ret > 0 && (!p.err_line || ret < p.err_line))
		err_set("%s:%d: line too long or malformed (lines are limited "
			"to %d bytes and hold [section], key = value or a "
			"comment)",
			name, ret, p.max_line);
	free(p.touched);
	if (ret || p.err_line) {
		config_release(&staging);
		return -1;
	}
	free(staging.path);
	staging.path = xstrdup(name);
	config_release(cfg);
	*cfg = staging;
	return 0;
}
