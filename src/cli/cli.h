/*
 * cli.h - the command line: argv in, one api request out; help and man page.
 *
 * Nothing here does work: the parser turns argv into a command and a JSON
 * object of its options, main() hands them to api_route() and prints the
 * response.  Help and the man page are printed from the same tables that
 * parse argv, so they cannot drift from the code.
 */
#ifndef TESTPUMP_CLI_CLI_H
#define TESTPUMP_CLI_CLI_H

#include <stdio.h>

#include "api/api.h"
#include "output/output.h"

/* Everything argv says, parsed. */
struct cli_call {
	struct api_env env;
	enum call_type call_type;
	const char *call_type_option; /* its global's name, or NULL */
	enum output_format format;
	int verbosity; /* 0 normal, -1 quiet, +n per -v */
	int version;   /* --version */
	int help;      /* --help or -h: print help for command (or all) */
	const struct command *command; /* NULL when none was given */
	json_t *options;	       /* the command's options, as given */
};

/*
 * Parses argv into *call (options owned by call; release with
 * cli_call_release()).  Global options may stand before or after the
 * command.  Returns 0, or -1 with a message naming the bad argument.
 */
int cli_parse(int argc, char **argv, struct cli_call *call);

/* Frees what cli_parse() allocated. */
void cli_call_release(struct cli_call *call);

/* The global options, as data (ends with {0}). */
extern const struct opt_spec cli_global_options[];

/* Prints the overview: usage, every command, the global options. */
void cli_help_overview(FILE *fp);

/*
 * Prints the full help of every command named `topic` or in group `topic`
 * ("db" documents db init, db migrate and db status).
 */
void cli_help_topic(FILE *fp, const char *topic);

/* Prints the manual page, troff, made from the tables. */
void cli_help_man(FILE *fp);

#endif
