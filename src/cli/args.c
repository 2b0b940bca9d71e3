/*
 * args.c - argv to a command and a JSON object of its options.
 *
 * Values stay text here; the router validates and converts them, the same
 * way for argv and for HTTP bodies.  This file only knows the shape of the
 * command line: which words name the command, which option takes a value,
 * which arguments are positional.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

static const char *const format_choices[] = {"table", "json", "csv", NULL};
static const char *const call_type_choices[] = {"execute",	"validate-only",
						"mock-success", "mock-failure",
						"mock-invalid", NULL};

const struct opt_spec cli_global_options[] = {
	{"db", OPT_STRING, 0, "URL",
	 "database: sqlite:PATH or postgresql://... (default $TESTPUMP_DB, "
	 "then [store] url, then sqlite:testpump.db)",
	 NULL, 0, 0, NULL},
	{"config", OPT_PATH, 0, "FILE",
	 "config file (default $TESTPUMP_CONFIG, then ./testpump.conf if "
	 "present)",
	 NULL, 0, 0, NULL},
	{"call-type", OPT_CHOICE, 0, "TYPE",
	 "how to answer (--validate-only and the --mock-* options are "
	 "shorthands)",
	 call_type_choices, 0, 0, "execute"},
	{"validate-only", OPT_FLAG, 0, NULL,
	 "check the options and exit 0 or 1, running nothing", NULL, 0, 0,
	 NULL},
	{"mock-success", OPT_FLAG, 0, NULL,
	 "answer a static successful response shaped like a real one", NULL, 0,
	 0, NULL},
	{"mock-failure", OPT_FLAG, 0, NULL,
	 "answer a static failure response (exit 2 or 3), or exit 1", NULL, 0,
	 0, NULL},
	{"mock-invalid", OPT_FLAG, 0, NULL,
	 "exit 1 at once, as for invalid input, printing nothing", NULL, 0, 0,
	 NULL},
	{"dry-run", OPT_FLAG, 0, NULL,
	 "read everything, write nothing; log each write that would happen",
	 NULL, 0, 0, NULL},
	{"faux", OPT_FLAG, 0, NULL,
	 "sources answer from built-in static responses, not the network", NULL,
	 0, 0, NULL},
	{"format", OPT_CHOICE, 0, "FORMAT", "output format", format_choices, 0,
	 0, "table"},
	{"quiet", OPT_FLAG, 0, NULL, "print errors only (-q)", NULL, 0, 0,
	 NULL},
	{"verbose", OPT_FLAG, 0, NULL,
	 "say more; twice for debug messages (-v, -vv)", NULL, 0, 0, NULL},
	{"no-progress", OPT_FLAG, 0, NULL, "never draw a progress bar", NULL, 0,
	 0, NULL},
	{"version", OPT_FLAG, 0, NULL, "print the version and exit", NULL, 0, 0,
	 NULL},
	{"help", OPT_FLAG, 0, NULL, "print help (-h) and exit", NULL, 0, 0,
	 NULL},
	{0},
};

void cli_call_release(struct cli_call *call)
{
	json_decref(call->options);
	call->options = NULL;
}

static const struct opt_spec *find_global(const char *name)
{
	for (const struct opt_spec *o = cli_global_options; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* option is the global's name without dashes, from the table. */
static int set_call_type(struct cli_call *call, const char *option,
			 const char *value)
{
	enum call_type t;

	if (call_type_parse(value, &t) < 0)
		return err_prefix("option '--%s'", option);
	if (call->call_type_option && call->call_type != t)
		return err_set("option '--%s' cannot be used with '--%s'",
			       option, call->call_type_option);
	call->call_type = t;
	call->call_type_option = option;
	return 0;
}

/* Applies one global option; value is NULL for flags. */
static int apply_global(struct cli_call *call, const struct opt_spec *o,
			const char *value)
{
	const char *n = o->name;

	if (!strcmp(n, "db"))
		call->env.db_url = value;
	else if (!strcmp(n, "config"))
		call->env.config_path = value;
	else if (!strcmp(n, "call-type"))
		return set_call_type(call, n, value);
	else if (!strncmp(n, "mock-", 5) || !strcmp(n, "validate-only"))
		return set_call_type(call, n, n);
	else if (!strcmp(n, "dry-run"))
		call->env.dry_run = 1;
	else if (!strcmp(n, "faux"))
		call->env.faux = 1;
	else if (!strcmp(n, "format"))
		return output_format_parse(value, &call->format) < 0
			       ? err_prefix("option '--format'")
			       : 0;
	else if (!strcmp(n, "quiet"))
		call->verbosity = -1;
	else if (!strcmp(n, "verbose"))
		call->verbosity = call->verbosity < 0 ? 1 : call->verbosity + 1;
	else if (!strcmp(n, "no-progress"))
		call->env.no_progress = 1;
	else if (!strcmp(n, "version"))
		call->version = 1;
	else if (!strcmp(n, "help"))
		call->help = 1;
	return 0;
}

/* Expands -q, -v, -vv and -h into their long names; -1 if unknown. */
static int short_options(struct cli_call *call, const char *arg)
{
	for (const char *p = arg + 1; *p; p++) {
		const char *name = *p == 'q'   ? "quiet"
				   : *p == 'v' ? "verbose"
				   : *p == 'h' ? "help"
					       : NULL;

		if (!name)
			return err_set("unknown option '-%c' in '%s'; see "
				       "'testpump --help'",
				       *p, arg);
		apply_global(call, find_global(name), NULL);
	}
	return 0;
}

/*
 * Splits "--name=value" into name and value; *value is NULL when there is
 * no '='.  The name is copied into tmp.
 */
static const char *split_long(const char *arg, char *tmp, size_t size,
			      const char **value)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

	if (len >= size)
		len = size - 1;
	memcpy(tmp, arg + 2, len);
	tmp[len] = '\0';
	*value = eq ? eq + 1 : NULL;
	return tmp;
}

/* Adds one value of a command option to the options object. */
static int add_option(const struct command *cmd, json_t *options,
		      const struct opt_spec *o, const char *value)
{
	char shown[64];
	json_t *prev = json_object_get(options, o->name);
	json_t *v = o->type == OPT_FLAG && !value ? json_true()
						  : json_string(value);

	if (!v)
		return err_set("option '%s' is not valid UTF-8",
			       opt_display(o, shown, sizeof(shown)));
	if (o->flags & OPT_MULTI) {
		if (!prev) {
			prev = json_array();
			json_object_set_new(options, o->name, prev);
		}
		json_array_append_new(prev, v);
		return 0;
	}
	if (prev) {
		json_decref(v);
		if (o->flags & OPT_POSITIONAL)
			return err_set("unexpected argument '%s' for '%s'",
				       value, cmd->name);
		return err_set("option '%s' given more than once",
			       opt_display(o, shown, sizeof(shown)));
	}
	json_object_set_new(options, o->name, v);
	return 0;
}

static const struct opt_spec *positional_of(const struct command *cmd)
{
	for (const struct opt_spec *o = cmd->options; o && o->name; o++)
		if (o->flags & OPT_POSITIONAL)
			return o;
	return NULL;
}

/*
 * Parses one "--name[=value]" argument at argv[*i], a global or a command
 * option (cmd may be NULL before the command); advances *i past a value.
 */
static int parse_long(struct cli_call *call, const struct command *cmd,
		      int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *value;
	char name[64];
	const struct opt_spec *o = NULL, *g;

	split_long(arg, name, sizeof(name), &value);
	if (cmd && (o = command_option(cmd, name)) &&
	    (o->flags & OPT_POSITIONAL))
		o = NULL;
	g = o ? NULL : find_global(name);
	if (!o && !g) {
		if (cmd)
			return err_set("unknown option '--%s' for '%s'; see "
				       "'testpump help %s'",
				       name, cmd->name, cmd->name);
		return err_set("unknown option '--%s'; see 'testpump --help'",
			       name);
	}
	if (!value && (o ? o : g)->type != OPT_FLAG) {
		if (*i + 1 >= argc)
			return err_set("option '--%s' needs a value (%s)", name,
				       (o ? o : g)->argname);
		value = argv[++*i];
	}
	if (o)
		return add_option(cmd, call->options, o, value);
	if (value && g->type == OPT_FLAG)
		return err_set("option '--%s' takes no value", name);
	return apply_global(call, g, value);
}

/* Finds the command whose words start at argv[*i]; advances *i past them. */
static int find_command(struct cli_call *call, int argc, char **argv, int *i)
{
	const char *word = argv[*i];
	const struct command *cmd = commands_find(word), *hint;
	char *two;

	if (!cmd && commands_is_group(word)) {
		if (*i + 1 >= argc || argv[*i + 1][0] == '-') {
			struct buf subs = BUF_INIT;
			size_t len = strlen(word);

			for (size_t k = 0; commands_all[k]; k++) {
				const char *n = commands_all[k]->name;

				if (!strncmp(n, word, len) && n[len] == ' ')
					buf_addf(&subs, "%s%s",
						 subs.len ? ", " : "",
						 n + len + 1);
			}
			err_set("'%s' needs a sub-command: %s", word,
				subs.data);
			buf_release(&subs);
			return -1;
		}
		two = xasprintf("%s %s", word, argv[*i + 1]);
		cmd = commands_find(two);
		if (!cmd) {
			hint = commands_suggest(two);
			err_set("unknown command '%s'%s%s%s", two,
				hint ? "; did you mean '" : "",
				hint ? hint->name : "", hint ? "'?" : "");
			free(two);
			return -1;
		}
		free(two);
		++*i;
	}
	if (!cmd) {
		hint = commands_suggest(word);
		return err_set("unknown command '%s'%s%s%s; see 'testpump "
			       "--help'",
			       word, hint ? "; did you mean '" : "",
			       hint ? hint->name : "", hint ? "'?" : "");
	}
	++*i;
	call->command = cmd;
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_call *call)
{
	const struct opt_spec *pos;
	int i = 1, only_args = 0;

	memset(call, 0, sizeof(*call));
	call->options = json_object();

	/* Global options before the command. */
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (argv[i][1] != '-') {
			if (short_options(call, argv[i]) < 0)
				return -1;
		} else if (parse_long(call, NULL, argc, argv, &i) < 0) {
			return -1;
		}
	}
	if (i >= argc)
		return 0;
	if (find_command(call, argc, argv, &i) < 0)
		return -1;

	pos = positional_of(call->command);
	for (; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_args && !strcmp(arg, "--")) {
			only_args = 1;
		} else if (!only_args && arg[0] == '-' && arg[1] == '-') {
			if (parse_long(call, call->command, argc, argv, &i) < 0)
				return -1;
		} else if (!only_args && arg[0] == '-' && arg[1]) {
			if (short_options(call, arg) < 0)
				return -1;
		} else if (!pos) {
			return err_set("unexpected argument '%s' for '%s'", arg,
				       call->command->name);
		} else if (add_option(call->command, call->options, pos, arg) <
			   0) {
			return -1;
		}
	}
	return 0;
}
