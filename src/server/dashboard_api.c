/*
 * dashboard_api.c - the JSON API: HTTP requests to the router and back.
 *
 * The router's exit code becomes the HTTP status (and is sent as it is in
 * X-Testpump-Exit):
 *	0  200 with the response ({"api_version": 1, "valid": true} for
 *	       validate-only, which has none)
 *	2  422 with the response (unsuccessful, response available)
 *	3  207 with the response (completed unsuccessfully, kept what worked)
 *	1  400 with {"api_version": 1, "error": "..."}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "output/json.h"
#include "server/dashboard_internal.h"
#include "core/banned.h"

#define API_PREFIX "/api/v1/"

/*
 * The commands the API executes (and validates): they read the store or
 * write it from upstreams, and touch no file of the server's.  Starting a
 * server, writing files, and reading the server's files are not for the
 * web; a command added later is refused until it is listed here.
 */
static const char *const web_commands[] = {
	"help",	     "version",	      "config show",  "db status",
	"jobs list", "releases list", "releases add", "report",
	"faux list", "pump",	      NULL,
};

/* Run only with --allow-admin: they change the schema. */
static const char *const admin_commands[] = {"db init", "db migrate", NULL};

static int listed(const char *const *names, const char *name)
{
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

int dash_api_allowed(const struct command *cmd, enum call_type t,
		     const json_t *options, int allow_admin)
{
	if (t != CALL_EXECUTE && t != CALL_VALIDATE_ONLY)
		return 0;
	if (listed(admin_commands, cmd->name) && !allow_admin)
		return err_set("'%s' changes the schema; the API runs it only "
			       "when the server was started with "
			       "--allow-admin",
			       cmd->name);
	if (!listed(web_commands, cmd->name) &&
	    !listed(admin_commands, cmd->name))
		return err_set("'%s' is not among the commands the API "
			       "runs (only its mock call types answer): it "
			       "serves, or reads or writes the server's files",
			       cmd->name);
	for (const struct opt_spec *o = cmd->options; o && o->name; o++)
		if (o->type == OPT_PATH &&
		    (o->defval || json_object_get(options, o->name)))
			return err_set("option '%s' of '%s' names a file on "
				       "the server, which the API never "
				       "reads or writes",
				       o->name, cmd->name);
	return 0;
}

/* Writes value as the CLI's --format json does, into r's body. */
static void set_json(struct dash_reply *r, int status, const json_t *value)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp || output_json(fp, value) < 0) {
		if (fp)
			fclose(fp);
		free(text);
		dash_reply_json_error(r, 500, "cannot encode the response");
		return;
	}
	fclose(fp);
	buf_reset(&r->body);
	buf_add(&r->body, text, len);
	free(text);
	r->status = status;
	r->content_type = "application/json";
}

/* "db/init" -> the command "db init", or a 404 reply. */
static const struct command *find_command(const char *words,
					  struct dash_reply *r)
{
	struct buf name = BUF_INIT;
	const struct command *cmd = NULL, *near;

	for (const char *p = words; *p; p++)
		buf_addch(&name, *p == '/' ? ' ' : *p);
	if (name.len && !strstr(name.data, "  ") && name.data[0] != ' ' &&
	    name.data[name.len - 1] != ' ')
		cmd = commands_find(name.data);
	if (cmd)
		goto out;
	if (name.len && commands_is_group(name.data))
		dash_reply_json_error(r, 404,
				      "'%s' is a group of commands; post to "
				      "%s%s/<command> (GET %scommands lists "
				      "them)",
				      name.data, API_PREFIX, words, API_PREFIX);
	else if (name.len && (near = commands_suggest(name.data)))
		dash_reply_json_error(r, 404,
				      "no command '%s'; did you mean '%s'?",
				      name.data, near->name);
	else
		dash_reply_json_error(r, 404,
				      "no command '%s'; GET %scommands lists "
				      "them",
				      name.data, API_PREFIX);
out:
	buf_release(&name);
	return cmd;
}

/* True for "application/json", with or without parameters. */
static int is_json_type(const char *content_type)
{
	size_t n = strlen("application/json");

	return content_type &&
	       !strncasecmp(content_type, "application/json", n) &&
	       (!content_type[n] || content_type[n] == ';' ||
		content_type[n] == ' ');
}

/* The body's options, or NULL with r the 400 that says why. */
static json_t *parse_body(const char *body, size_t len, struct dash_reply *r)
{
	json_error_t e;
	json_t *v;

	if (!len || strspn(body, " \t\r\n") == len)
		return json_object();
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
	if (!v) {
		dash_reply_json_error(r, 400,
				      "the body is not valid JSON: line %d, "
				      "column %d: %s",
				      e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		dash_reply_json_error(r, 400,
				      "the body must be a JSON object of "
				      "options ({\"name\": value, ...})");
		return NULL;
	}
	return v;
}

/* Routes cmd and turns the exit code and response into r. */
static void run_command(const struct dashboard_server_options *o,
			const struct command *cmd, enum call_type t,
			const json_t *options, struct dash_reply *r)
{
	static const int status_of[] = {200, 400, 422, 207};
	json_t *resp = NULL;
	enum api_exit rc = api_route(cmd, t, options, o->env, &resp);

	r->exit_code = (int)rc;
	if (resp) {
		set_json(r, status_of[rc & 3], resp);
	} else if (rc == API_EXIT_OK) {
		json_t *ok = json_pack("{s:i, s:b}", "api_version", API_VERSION,
				       "valid", 1);

		set_json(r, 200, ok);
		json_decref(ok);
	} else if (*err_msg()) {
		dash_reply_json_error(r, 400, "%s", err_msg());
	} else {
		dash_reply_json_error(r, 400, "'%s' refused the call (%s)",
				      cmd->name, call_type_name(t));
	}
	r->exit_code = (int)rc;
	json_decref(resp);
	err_clear();
}

/* GET /api/v1/commands: the command table, as help --format json. */
static void answer_commands(const struct dashboard_server_options *o,
			    const char *method, struct dash_reply *r)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		dash_reply_json_error(r, 405, "%scommands answers GET only",
				      API_PREFIX);
		r->allow = "GET, HEAD";
		return;
	}
	run_command(o, &cmd_help, CALL_EXECUTE, NULL, r);
}

void dash_api_answer(const struct dashboard_server_options *o,
		     const char *method, const char *path,
		     const char *call_type, const char *content_type,
		     const char *body, size_t len, struct dash_reply *r)
{
	const struct command *cmd;
	enum call_type t = CALL_EXECUTE;
	json_t *options;

	if (strncmp(path, API_PREFIX, strlen(API_PREFIX))) {
		dash_reply_json_error(r, 404,
				      "no API at '%s'; the API is under %s",
				      path, API_PREFIX);
		return;
	}
	path += strlen(API_PREFIX);
	if (!strcmp(path, "commands")) {
		answer_commands(o, method, r);
		return;
	}
	if (!(cmd = find_command(path, r)))
		return;
	if (strcmp(method, "POST")) {
		dash_reply_json_error(r, 405,
				      "'%s' is run with POST and its options "
				      "as a JSON object",
				      cmd->name);
		r->allow = "POST";
		return;
	}
	if (call_type && *call_type && call_type_parse(call_type, &t) < 0) {
		dash_reply_json_error(r, 400, "%s", err_msg());
		err_clear();
		return;
	}
	if (!is_json_type(content_type)) {
		dash_reply_json_error(r, 415,
				      "send the options as Content-Type: "
				      "application/json");
		return;
	}
	if (!(options = parse_body(body, len, r)))
		return;
	if (dash_api_allowed(cmd, t, options, o->allow_admin) < 0)
		dash_reply_json_error(r, 403, "%s", err_msg());
	else
		run_command(o, cmd, t, options, r);
	err_clear();
	json_decref(options);
}
