/*
 * jprops.c - property lists (see jprops.h).
 */
#include "ingest/jprops.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

void jprops_init(struct jprops *pr)
{
	memset(pr, 0, sizeof(*pr));
	buf_init(&pr->data);
}

void jprops_reset(struct jprops *pr)
{
	buf_reset(&pr->data);
	pr->n = 0;
	pr->dropped = 0;
}

void jprops_release(struct jprops *pr)
{
	buf_release(&pr->data);
	free(pr->off);
	free(pr->view);
	jprops_init(pr);
}

void jprops_add(struct jprops *pr, const char *name, const char *value,
		size_t value_len)
{
	if (pr->n == JUNIT_MAX_PROPERTIES) {
		pr->dropped++;
		return;
	}
	ALLOC_GROW(pr->off, pr->n + 1, pr->alloc);
	pr->off[pr->n++] = pr->data.len;
	buf_add(&pr->data, name, strlen(name) + 1);
	buf_add(&pr->data, value, value_len);
	buf_addch(&pr->data, '\0');
}

const struct junit_property *jprops_view(struct jprops *pr)
{
	size_t i;

	ALLOC_GROW(pr->view, pr->n + 1, pr->view_alloc);
	for (i = 0; i < pr->n; i++) {
		const char *name = pr->data.data + pr->off[i];

		pr->view[i].name = name;
		pr->view[i].value = name + strlen(name) + 1;
	}
	return pr->view;
}
