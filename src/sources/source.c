/*
 * source.c - the table of upstream connectors.
 */
#include "sources/source.h"

#include <string.h>

#include "core/banned.h"

const struct source_ops *const sources_all[] = {
	&source_testrail,    &source_bugzilla, &source_github,
	&source_taskcluster, &source_bitrise,  NULL,
};

const struct source_ops *source_find(const char *name)
{
	for (size_t i = 0; sources_all[i]; i++)
		if (!strcmp(sources_all[i]->name, name))
			return sources_all[i];
	return NULL;
}

int source_has_report(const struct source_ops *ops, const char *type)
{
	for (size_t i = 0; ops->report_types[i]; i++)
		if (!strcmp(ops->report_types[i], type))
			return 1;
	return 0;
}
