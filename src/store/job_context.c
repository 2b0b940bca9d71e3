/*
 * job_context.c - a job's variants as a run's context.
 */
#include "store/job_context.h"

#include <stddef.h>
#include <string.h>

#include "core/banned.h"

struct variant_ctx {
	struct hist_context *out;
	struct arena *arena;
};

static int on_variant(const struct store_row *row, void *ctx)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"release", offsetof(struct hist_context, release)},
		{"from_release", offsetof(struct hist_context, from_release)},
		{"platform", offsetof(struct hist_context, platform)},
		{"architecture", offsetof(struct hist_context, architecture)},
		{"network", offsetof(struct hist_context, network)},
		{"topology", offsetof(struct hist_context, topology)},
	};
	struct variant_ctx *c = ctx;

	if (row->cols[0].type != STORE_TEXT || row->cols[1].type != STORE_TEXT)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(row->cols[0].s, keys[i].key))
			*(const char **)(void *)((char *)c->out + keys[i].off) =
				arena_strdup(c->arena, row->cols[1].s);
	return 0;
}

int job_context_load(struct store *st, const char *job, struct arena *arena,
		     struct hist_context *out)
{
	struct variant_ctx c = {out, arena};
	struct store_value v = STORE_TEXT_V(job);

	memset(out, 0, sizeof(*out));
	return store_exec(st,
			  "SELECT v.key, v.value FROM job_variant v JOIN job j "
			  "ON j.id = v.job_id WHERE j.name = ? AND v.key IN "
			  "('release', 'from_release', 'platform', "
			  "'architecture', 'network', 'topology')",
			  &v, 1, on_variant, &c);
}
