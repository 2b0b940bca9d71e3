/*
 * commands.h - the table of every testpump command.
 *
 * Each command lives in its own file as one `const struct command` (see
 * api/api.h); commands.c lists them.  Adding a command is adding a file and
 * a row; the CLI, the HTTP API, help, the man page and the table-driven
 * tests pick it up from here.
 */
#ifndef TESTPUMP_COMMANDS_COMMANDS_H
#define TESTPUMP_COMMANDS_COMMANDS_H

#include <stddef.h>

#include "api/api.h"

/* Every command, in the order help lists them; NULL-terminated. */
extern const struct command *const commands_all[];

/* The command named exactly `name` ("db init"), or NULL. */
const struct command *commands_find(const char *name);

/*
 * True when `word` is the first word of some multi-word command ("db"),
 * that is, a group that needs a sub-command.
 */
int commands_is_group(const char *word);

/*
 * The command whose name is nearest to `name` by edit distance, for "did
 * you mean" hints, or NULL when none is close.
 */
const struct command *commands_suggest(const char *name);

extern const struct command cmd_db_init;
extern const struct command cmd_db_migrate;
extern const struct command cmd_db_status;
extern const struct command cmd_ingest_junit;
extern const struct command cmd_ingest_disruptions;
extern const struct command cmd_ingest_alerts;
extern const struct command cmd_history;
extern const struct command cmd_aggregate;
extern const struct command cmd_jobs_prime;
extern const struct command cmd_jobs_list;
extern const struct command cmd_releases_add;
extern const struct command cmd_releases_list;
extern const struct command cmd_pump;
extern const struct command cmd_report;
extern const struct command cmd_faux_list;
extern const struct command cmd_faux_serve;
extern const struct command cmd_serve;
extern const struct command cmd_export_html;
extern const struct command cmd_config_show;
extern const struct command cmd_version;
extern const struct command cmd_help;

#endif
