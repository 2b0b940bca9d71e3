/*
 * help.c - help [COMMAND]: the command table itself, as data.
 *
 * The JSON form is what scripts and the HTTP API read to discover the
 * commands; the CLI prints the same table as text (cli/help.c).
 */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

/* True when cmd is named `topic` or belongs to the group `topic`. */
static int matches(const struct command *cmd, const char *topic)
{
	size_t len = strlen(topic);

	if (!strcmp(cmd->name, topic))
		return 1;
	return !strncmp(cmd->name, topic, len) && cmd->name[len] == ' ';
}

/* The words of COMMAND joined by spaces ("db init"), or NULL if none. */
static char *topic_of(const struct request *req)
{
	const json_t *words = request_list(req, "command");
	struct buf b = BUF_INIT;
	const json_t *w;
	size_t i;

	if (!words || !json_array_size(words))
		return NULL;
	json_array_foreach (words, i, w)
		buf_addf(&b, "%s%s", i ? " " : "", json_string_value(w));
	return buf_detach(&b, NULL);
}

static int help_check(const struct request *req)
{
	char *topic = topic_of(req);
	int ret = 0;

	if (topic && !commands_find(topic) && !commands_is_group(topic))
		ret = err_set("no command or group named '%s'; run "
			      "'testpump help' for the list",
			      topic);
	free(topic);
	return ret;
}

static int help(struct request *req, json_t *resp)
{
	char *topic = topic_of(req);
	json_t *list = json_array();

	for (size_t i = 0; commands_all[i]; i++)
		if (!topic || matches(commands_all[i], topic))
			json_array_append_new(list,
					      api_describe(commands_all[i]));
	json_object_set_new(resp, "commands", list);
	free(topic);
	return API_EXIT_OK;
}

static void mock_help(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "commands",
			    json_pack("[o]", api_describe(&cmd_version)));
}

const struct command cmd_help = {
	.name = "help",
	.summary = "describe every command, or one command or group",
	.description =
		"Without an argument, lists every command. With a command "
		"(\"db init\") or a group (\"db\"), documents its options. "
		"With --format json, prints the command table as data: each "
		"command's options, constraints and response shape.",
	.options =
		(const struct opt_spec[]){
			{"command", OPT_STRING, OPT_POSITIONAL | OPT_MULTI,
			 "COMMAND", "a command or group to describe", NULL, 0,
			 0, NULL},
			{"man", OPT_FLAG, 0, NULL,
			 "print the manual page (troff) instead of help text",
			 NULL, 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"commands", RESP_ARRAY, 0,
			 "each command: name, summary, options, response"},
			{0},
		},
	.rows_key = "commands",
	.check = help_check,
	.handler = help,
	.mock_success = mock_help,
};
