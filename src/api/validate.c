/*
 * validate.c - declarative option validation.
 *
 * Options arrive as a JSON object whose values are either text (from argv,
 * or from an HTTP caller that sends strings) or JSON of the right type.
 * Each is checked against its spec and replaced by its normalised value, so
 * handlers read integers as integers whatever the front end was.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

const char *opt_display(const struct opt_spec *spec, char *tmp, size_t size)
{
	if (spec->flags & OPT_POSITIONAL)
		snprintf(tmp, size, "%s",
			 spec->argname ? spec->argname : spec->name);
	else
		snprintf(tmp, size, "--%s", spec->name);
	return tmp;
}

const struct opt_spec *command_option(const struct command *cmd,
				      const char *name)
{
	if (!cmd->options)
		return NULL;
	for (const struct opt_spec *o = cmd->options; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const char *opt_type_name(enum opt_type t)
{
	static const char *const names[] = {
		[OPT_FLAG] = "flag",	      [OPT_STRING] = "string",
		[OPT_INT] = "integer",	      [OPT_FLOAT] = "number",
		[OPT_PATH] = "path",	      [OPT_CHOICE] = "choice",
		[OPT_KEYVALUE] = "key=value", [OPT_TIME] = "time",
	};
	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

/* "one of: a, b, c" for a choice list. */
static void add_choices(struct buf *b, const char *const *choices)
{
	buf_adds(b, "one of: ");
	for (size_t i = 0; choices[i]; i++)
		buf_addf(b, "%s%s", i ? ", " : "", choices[i]);
}

/* The text of a scalar JSON value, for messages and parsing. */
static char *value_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.17g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return xstrdup(json_is_null(v) ? "null" : "(a JSON container)");
}

static int range_error(const char *opt, const struct opt_spec *spec,
		       const char *what, const char *got)
{
	if (spec->min < spec->max)
		return err_set("option '%s' must be %s from %g to %g, got '%s'",
			       opt, what, spec->min, spec->max, got);
	return err_set("option '%s' must be %s, got '%s'", opt, what, got);
}

static int check_int(const char *opt, const struct opt_spec *spec,
		     const char *text, json_t **out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (!*text || *end || errno ||
	    (spec->min < spec->max && (v < spec->min || v > spec->max)))
		return range_error(opt, spec, "an integer", text);
	*out = json_integer(v);
	return 0;
}

static int check_float(const char *opt, const struct opt_spec *spec,
		       const char *text, json_t **out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (!*text || *end || errno || !isfinite(v) ||
	    (spec->min < spec->max && (v < spec->min || v > spec->max)))
		return range_error(opt, spec, "a number", text);
	*out = json_real(v);
	return 0;
}

static int check_path(const char *opt, const struct opt_spec *spec,
		      const char *text)
{
	struct stat st;

	if (!*text)
		return err_set("option '%s' must be a path, got ''", opt);
	if (!(spec->flags & OPT_EXISTS) || !strcmp(text, "-"))
		return 0;
	if (stat(text, &st) < 0)
		return err_set("option '%s': cannot access '%s': %s", opt, text,
			       strerror(errno));
	return 0;
}

static int check_choice(const char *opt, const struct opt_spec *spec,
			const char *text)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; spec->choices[i]; i++)
		if (!strcmp(spec->choices[i], text))
			return 0;
	add_choices(&b, spec->choices);
	err_set("option '%s' must be %s; got '%s'", opt, b.data, text);
	buf_release(&b);
	return -1;
}

/*
 * Checks one value of one option and returns its normalised form in *out
 * (a new reference), or -1 with the message set.
 */
static int check_value(const struct opt_spec *spec, const json_t *v,
		       json_t **out)
{
	char optbuf[64];
	const char *opt = opt_display(spec, optbuf, sizeof(optbuf));
	char *text;
	int64_t ms;
	int ret = 0;

	if (spec->type == OPT_FLAG) {
		if (json_is_boolean(v)) {
			*out = json_incref((json_t *)v);
			return 0;
		}
		text = value_text(v);
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			*out = json_true();
		else if (!strcmp(text, "false") || !strcmp(text, "0"))
			*out = json_false();
		else
			ret = err_set("option '%s' is a flag and takes no "
				      "value (JSON: true or false), got '%s'",
				      opt, text);
		free(text);
		return ret;
	}
	if (!json_is_string(v) && !json_is_number(v))
		return err_set("option '%s' must be a single value, not %s",
			       opt, json_is_null(v) ? "null" : "a container");
	text = value_text(v);
	switch (spec->type) {
	case OPT_INT:
		ret = check_int(opt, spec, text, out);
		break;
	case OPT_FLOAT:
		ret = check_float(opt, spec, text, out);
		break;
	case OPT_PATH:
		ret = check_path(opt, spec, text);
		break;
	case OPT_CHOICE:
		ret = check_choice(opt, spec, text);
		break;
	case OPT_KEYVALUE:
		if (!strchr(text, '=') || text[0] == '=')
			ret = err_set("option '%s' must be key=value with a "
				      "non-empty key, got '%s'",
				      opt, text);
		break;
	case OPT_TIME:
		if (timestamp_parse_any(text, &ms) < 0) {
			ret = err_set("option '%s' must be a time (RFC 3339, "
				      "e.g. 2024-05-01T12:34:56Z, or epoch "
				      "seconds), got '%s'",
				      opt, text);
		} else {
			char ts[TIMESTAMP_MAX];

			timestamp_format(ms, ts);
			*out = json_string(ts);
		}
		break;
	case OPT_STRING:
		if (!*text)
			ret = err_set("option '%s' must not be empty", opt);
		break;
	case OPT_FLAG:
		break;
	}
	if (!ret && !*out)
		*out = json_string(text);
	free(text);
	return ret;
}

/* Validates, normalises or defaults the option of spec in options. */
static int check_option(const struct opt_spec *spec, json_t *options)
{
	char optbuf[64];
	json_t *v = json_object_get(options, spec->name);
	json_t *norm = NULL;

	if (!v || json_is_null(v) ||
	    (json_is_array(v) && !json_array_size(v))) {
		if (spec->flags & OPT_REQUIRED)
			return err_set(
				"option '%s' is required",
				opt_display(spec, optbuf, sizeof(optbuf)));
		if (!spec->defval) {
			if (spec->flags & OPT_MULTI)
				json_object_set_new(options, spec->name,
						    json_array());
			return 0;
		}
		v = json_string(spec->defval);
		if (check_value(spec, v, &norm) < 0) {
			json_decref(v);
			return err_prefix("bad built-in default");
		}
		json_decref(v);
		if (spec->flags & OPT_MULTI)
			norm = json_pack("[o]", norm);
		json_object_set_new(options, spec->name, norm);
		return 0;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *item, *list;

		if (!(spec->flags & OPT_MULTI))
			return err_set(
				"option '%s' may be given only once",
				opt_display(spec, optbuf, sizeof(optbuf)));
		list = json_array();
		json_array_foreach (v, i, item) {
			if (check_value(spec, item, &norm) < 0) {
				json_decref(list);
				return -1;
			}
			json_array_append_new(list, norm);
			norm = NULL;
		}
		json_object_set_new(options, spec->name, list);
		return 0;
	}
	if (check_value(spec, v, &norm) < 0)
		return -1;
	if (spec->flags & OPT_MULTI)
		norm = json_pack("[o]", norm);
	json_object_set_new(options, spec->name, norm);
	return 0;
}

/* True when the option is present (a flag only when true). */
static int is_given(const json_t *options, const struct opt_spec *spec)
{
	const json_t *v = json_object_get(options, spec->name);

	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	return !json_is_array(v) || json_array_size(v) > 0;
}

static int check_constraint(const struct command *cmd,
			    const struct opt_constraint *c, const json_t *given)
{
	struct buf names = BUF_INIT;
	char optbuf[64], first[64];
	int count = 0, ret = 0;

	for (size_t i = 0; c->names[i]; i++) {
		const struct opt_spec *spec = command_option(cmd, c->names[i]);

		assert(spec); /* a constraint names only declared options */
		opt_display(spec, optbuf, sizeof(optbuf));
		buf_addf(&names, "%s'%s'", i ? ", " : "", optbuf);
		if (!is_given(given, spec))
			continue;
		if (count++ && c->kind == CONSTRAINT_EXCLUSIVE) {
			ret = err_set("option '%s' cannot be used with '%s'",
				      optbuf, first);
			goto out;
		}
		memcpy(first, optbuf, sizeof(first));
	}
	if (c->kind == CONSTRAINT_AT_LEAST_ONE && !count)
		ret = err_set("at least one of %s is required", names.data);
out:
	buf_release(&names);
	return ret;
}

int api_validate(const struct command *cmd, json_t *options)
{
	const char *key;
	json_t *v;

	json_object_foreach (options, key, v) {
		if (!command_option(cmd, key))
			return err_set("unknown option '%s' for '%s'", key,
				       cmd->name);
	}
	/* Constraints look at what the caller gave, before defaults. */
	for (const struct opt_constraint *c = cmd->constraints;
	     c && c->kind != CONSTRAINT_END; c++)
		if (check_constraint(cmd, c, options) < 0)
			return -1;
	for (const struct opt_spec *o = cmd->options; o && o->name; o++)
		if (check_option(o, options) < 0)
			return -1;
	return 0;
}
