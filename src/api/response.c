/*
 * response.c - the declared shape of every response, checked and published.
 */
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

const char *resp_type_name(enum resp_type t)
{
	static const char *const names[] = {
		[RESP_STRING] = "string", [RESP_INT] = "integer",
		[RESP_NUMBER] = "number", [RESP_BOOL] = "boolean",
		[RESP_ARRAY] = "array",	  [RESP_OBJECT] = "object",
	};
	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

static int type_matches(enum resp_type t, const json_t *v)
{
	switch (t) {
	case RESP_STRING:
		return json_is_string(v);
	case RESP_INT:
		return json_is_integer(v);
	case RESP_NUMBER:
		return json_is_number(v);
	case RESP_BOOL:
		return json_is_boolean(v);
	case RESP_ARRAY:
		return json_is_array(v);
	case RESP_OBJECT:
		return json_is_object(v);
	}
	return 0;
}

static const struct resp_field *find_field(const struct command *cmd,
					   const char *key)
{
	for (const struct resp_field *f = cmd->response; f && f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

int api_check_response(const struct command *cmd, const json_t *resp)
{
	const char *key;
	json_t *v;

	if (!json_is_object(resp))
		return err_set("response of '%s' is not a JSON object",
			       cmd->name);
	if (!json_is_integer(json_object_get(resp, "api_version")))
		return err_set("response of '%s' has no 'api_version'",
			       cmd->name);
	for (const struct resp_field *f = cmd->response; f && f->key; f++) {
		v = json_object_get(resp, f->key);
		if (!v)
			return err_set("response of '%s' lacks key '%s'",
				       cmd->name, f->key);
		if (json_is_null(v) && (f->flags & RESP_NULLABLE))
			continue;
		if (!type_matches(f->type, v))
			return err_set(
				"response of '%s': key '%s' must be "
				"%s%s",
				cmd->name, f->key, resp_type_name(f->type),
				f->flags & RESP_NULLABLE ? " or null" : "");
	}
	json_object_foreach ((json_t *)resp, key, v) {
		if (strcmp(key, "api_version") && !find_field(cmd, key))
			return err_set("response of '%s' has undeclared key "
				       "'%s'",
				       cmd->name, key);
	}
	return 0;
}

static json_t *describe_option(const struct opt_spec *o)
{
	char optbuf[64];
	json_t *d = json_object();

	json_object_set_new(
		d, "name", json_string(opt_display(o, optbuf, sizeof(optbuf))));
	json_object_set_new(d, "key", json_string(o->name));
	json_object_set_new(d, "type", json_string(opt_type_name(o->type)));
	json_object_set_new(d, "required",
			    json_boolean(o->flags & OPT_REQUIRED));
	json_object_set_new(d, "multiple", json_boolean(o->flags & OPT_MULTI));
	json_object_set_new(d, "positional",
			    json_boolean(o->flags & OPT_POSITIONAL));
	json_object_set_new(d, "must_exist",
			    json_boolean(o->flags & OPT_EXISTS));
	json_object_set_new(d, "argname",
			    o->argname ? json_string(o->argname) : json_null());
	json_object_set_new(d, "help", json_string(o->help));
	json_object_set_new(d, "default",
			    o->defval ? json_string(o->defval) : json_null());
	if (o->choices) {
		json_t *c = json_array();

		for (size_t i = 0; o->choices[i]; i++)
			json_array_append_new(c, json_string(o->choices[i]));
		json_object_set_new(d, "choices", c);
	}
	if (o->min < o->max) {
		json_object_set_new(d, "min", json_real(o->min));
		json_object_set_new(d, "max", json_real(o->max));
	}
	return d;
}

static json_t *describe_constraints(const struct command *cmd)
{
	json_t *list = json_array();

	for (const struct opt_constraint *c = cmd->constraints;
	     c && c->kind != CONSTRAINT_END; c++) {
		json_t *names = json_array();

		for (size_t i = 0; c->names[i]; i++)
			json_array_append_new(names, json_string(c->names[i]));
		json_array_append_new(list,
				      json_pack("{s:s, s:o}", "kind",
						c->kind == CONSTRAINT_EXCLUSIVE
							? "mutually-exclusive"
							: "at-least-one-of",
						"options", names));
	}
	return list;
}

json_t *api_describe(const struct command *cmd)
{
	json_t *d = json_object(), *opts = json_array(), *resp = json_array();

	for (const struct opt_spec *o = cmd->options; o && o->name; o++)
		json_array_append_new(opts, describe_option(o));
	for (const struct resp_field *f = cmd->response; f && f->key; f++)
		json_array_append_new(
			resp,
			json_pack("{s:s, s:s, s:b, s:s}", "key", f->key, "type",
				  resp_type_name(f->type), "nullable",
				  (f->flags & RESP_NULLABLE) != 0, "help",
				  f->help ? f->help : ""));
	json_object_set_new(d, "name", json_string(cmd->name));
	json_object_set_new(d, "summary", json_string(cmd->summary));
	json_object_set_new(
		d, "description",
		json_string(cmd->description ? cmd->description : ""));
	json_object_set_new(d, "options", opts);
	json_object_set_new(d, "constraints", describe_constraints(cmd));
	json_object_set_new(d, "response", resp);
	json_object_set_new(d, "rows_key",
			    cmd->rows_key ? json_string(cmd->rows_key)
					  : json_null());
	json_object_set_new(
		d, "mock_failure_exit",
		json_integer(cmd->mock_failure
				     ? (json_int_t)cmd->mock_failure_exit
				     : API_EXIT_ERROR));
	return d;
}
