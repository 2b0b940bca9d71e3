/*
 * commands.c - the list of commands, and finding one by name.
 */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* One command a line, in the order help lists them. */
/* clang-format off */
const struct command *const commands_all[] = {
	&cmd_ingest_junit,
	&cmd_ingest_disruptions,
	&cmd_ingest_alerts,
	&cmd_aggregate,
	&cmd_jobs_prime,
	&cmd_jobs_list,
	&cmd_releases_add,
	&cmd_releases_list,
	&cmd_history,
	&cmd_pump,
	&cmd_report,
	&cmd_serve,
	&cmd_export_html,
	&cmd_faux_list,
	&cmd_faux_serve,
	&cmd_db_init,
	&cmd_db_migrate,
	&cmd_db_status,
	&cmd_config_show,
	&cmd_version,
	&cmd_help,
	NULL,
};
/* clang-format on */

const struct command *commands_find(const char *name)
{
	for (size_t i = 0; commands_all[i]; i++)
		if (!strcmp(commands_all[i]->name, name))
			return commands_all[i];
	return NULL;
}

int commands_is_group(const char *word)
{
	size_t len = strlen(word);

	for (size_t i = 0; commands_all[i]; i++) {
		const char *n = commands_all[i]->name;

		if (!strncmp(n, word, len) && n[len] == ' ')
			return 1;
	}
	return 0;
}

/* Levenshtein distance of two short strings (command names). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	size_t d;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

const struct command *commands_suggest(const char *name)
{
	const struct command *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; commands_all[i]; i++) {
		size_t d = edit_distance(name, commands_all[i]->name);

		if (d < best_d) {
			best_d = d;
			best = commands_all[i];
		}
	}
	/* Close means at most a third of the name is wrong. */
	if (best && best_d * 3 <= strlen(best->name))
		return best;
	return NULL;
}
