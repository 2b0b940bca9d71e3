/*
 * main.c - testpump's entry point: parse argv, route, print, exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/banned.h"

/* Text help for `help [COMMAND]` when the format is table. */
static void print_help(const struct cli_call *call)
{
	const json_t *words = json_object_get(call->options, "command");
	struct buf topic = BUF_INIT;
	const json_t *w;
	size_t i;

	if (json_is_true(json_object_get(call->options, "man"))) {
		cli_help_man(stdout);
		return;
	}
	json_array_foreach (words, i, w)
		buf_addf(&topic, "%s%s", i ? " " : "", json_string_value(w));
	if (topic.len)
		cli_help_topic(stdout, topic.data);
	else
		cli_help_overview(stdout);
	buf_release(&topic);
}

static int print_response(const struct cli_call *call, const json_t *resp)
{
	const struct command *cmd = call->command;

	if (cmd == &cmd_help && call->format == OUTPUT_TABLE) {
		print_help(call);
		return 0;
	}
	return output_response(stdout, call->format, resp, cmd->rows_key,
			       output_terminal_width(stdout));
}

int main(int argc, char **argv)
{
	struct cli_call call;
	json_t *resp = NULL;
	enum api_exit rc;

	if (cli_parse(argc, argv, &call) < 0) {
		log_error("%s", err_msg());
		cli_call_release(&call);
		return API_EXIT_ERROR;
	}
	log_set_level((enum log_level)(LOG_WARN + call.verbosity));
	if (call.version) {
		printf("testpump %s\n", TESTPUMP_VERSION);
		rc = API_EXIT_OK;
		goto out;
	}
	if (!call.command || call.help) {
		if (call.command)
			cli_help_topic(stdout, call.command->name);
		else
			cli_help_overview(call.command || call.help ? stdout
								    : stderr);
		rc = call.command || call.help ? API_EXIT_OK : API_EXIT_ERROR;
		goto out;
	}
	rc = api_route(call.command, call.call_type, call.options, &call.env,
		       &resp);
	if (resp && print_response(&call, resp) < 0) {
		log_error("%s", err_msg());
		rc = API_EXIT_ERROR;
	} else if (!resp && rc != API_EXIT_OK && *err_msg()) {
		log_error("%s", err_msg());
	}
out:
	json_decref(resp);
	cli_call_release(&call);
	err_clear();
	if (fflush(stdout) != 0 && rc == API_EXIT_OK)
		rc = API_EXIT_ERROR;
	return rc;
}
