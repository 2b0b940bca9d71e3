/*
 * runhistory.c - per-run disruption and alert files, read with jansson.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "core/err.h"
#include "ingest/runhistory.h"
#include "core/banned.h"

void runhistory_init(struct runhistory *rh, enum hist_kind kind)
{
	memset(rh, 0, sizeof(*rh));
	rh->kind = kind;
	arena_init(&rh->arena);
	strmap_init(&rh->seen);
}

void runhistory_release(struct runhistory *rh)
{
	free(rh->samples);
	arena_release(&rh->arena);
	strmap_release(&rh->seen);
	runhistory_init(rh, rh->kind);
}

/* A string field of obj; NULL (and 0) when absent and optional. */
static int str_field(struct runhistory *rh, const json_t *obj,
		     const char *where, const char *field, int optional,
		     const char **out)
{
	const json_t *v = json_object_get(obj, field);

	*out = NULL;
	if ((!v || json_is_null(v)) && optional)
		return 0;
	if (!v)
		return err_set("%s: field '%s' is missing", where, field);
	if (!json_is_string(v))
		return err_set("%s: field '%s' must be a string", where, field);
	*out = arena_strndup(&rh->arena, json_string_value(v),
			     json_string_length(v));
	return 0;
}

static int read_context(struct runhistory *rh, const json_t *root,
			const char *where, struct hist_context *c)
{
	if (str_field(rh, root, where, "Release", 0, &c->release) < 0 ||
	    str_field(rh, root, where, "FromRelease", 0, &c->from_release) <
		    0 ||
	    str_field(rh, root, where, "Platform", 0, &c->platform) < 0 ||
	    str_field(rh, root, where, "Architecture", 0, &c->architecture) <
		    0 ||
	    str_field(rh, root, where, "Network", 0, &c->network) < 0 ||
	    str_field(rh, root, where, "Topology", 0, &c->topology) < 0 ||
	    str_field(rh, root, where, "MasterNodesUpdated", 1,
		      &c->master_nodes_updated) < 0)
		return -1;
	if (!*c->release)
		return err_set("%s: field 'Release' is empty", where);
	if (c->master_nodes_updated && strcmp(c->master_nodes_updated, "Y") &&
	    strcmp(c->master_nodes_updated, "N"))
		return err_set("%s: field 'MasterNodesUpdated' must be \"Y\", "
			       "\"N\" or null, not '%s'",
			       where, c->master_nodes_updated);
	return 0;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The first file's variant is the run's; later files must agree. */
static int merge_context(struct runhistory *rh, const struct hist_context *c,
			 const char *path)
{
	const char *field = NULL;

	if (!rh->have_context) {
		rh->context = *c;
		rh->have_context = 1;
		return 0;
	}
	if (!same(c->release, rh->context.release))
		field = "Release";
	else if (!same(c->from_release, rh->context.from_release))
		field = "FromRelease";
	else if (!same(c->platform, rh->context.platform))
		field = "Platform";
	else if (!same(c->architecture, rh->context.architecture))
		field = "Architecture";
	else if (!same(c->network, rh->context.network))
		field = "Network";
	else if (!same(c->topology, rh->context.topology))
		field = "Topology";
	else if (!same(c->master_nodes_updated,
		       rh->context.master_nodes_updated))
		field = "MasterNodesUpdated";
	if (field)
		return err_set("'%s': field '%s' differs from the run's "
			       "earlier file",
			       path, field);
	return 0;
}

static int read_sample(struct runhistory *rh, const json_t *e,
		       const char *where)
{
	int alerts = rh->kind == HIST_ALERTS;
	const char *secs_field = alerts ? "AlertSeconds" : "DisruptionSeconds";
	struct hist_sample s = {0};
	const json_t *v;
	struct buf id = BUF_INIT;
	double secs;
	int dup;

	if (!json_is_object(e))
		return err_set("%s is not an object", where);
	if (str_field(rh, e, where, alerts ? "Name" : "BackendName", 0,
		      &s.name) < 0 ||
	    (alerts &&
	     (str_field(rh, e, where, "Namespace", 1, &s.namespace) < 0 ||
	      str_field(rh, e, where, "Level", 0, &s.level) < 0)))
		return -1;
	if (!*s.name)
		return err_set("%s: field '%s' is empty", where,
			       alerts ? "Name" : "BackendName");
	v = json_object_get(e, secs_field);
	if (!v)
		return err_set("%s: field '%s' is missing", where, secs_field);
	if (!json_is_number(v))
		return err_set("%s: field '%s' must be a number of seconds",
			       where, secs_field);
	secs = json_number_value(v);
	if (!(secs >= 0 && secs < 1e9))
		return err_set("%s: field '%s' must be from 0 to 10^9 seconds",
			       where, secs_field);
	s.ms = (int64_t)llround(secs * 1000);
	buf_addf(&id, "%s%c%s%c%s", s.name, 0, s.namespace ? s.namespace : "",
		 0, s.level ? s.level : "");
	dup = strmap_get(&rh->seen, id.data, id.len, NULL);
	strmap_put(&rh->seen, id.data, id.len, 1);
	buf_release(&id);
	if (dup)
		return err_set("%s: '%s' is given twice for this run", where,
			       s.name);
	ALLOC_GROW(rh->samples, rh->count + 1, rh->cap);
	rh->samples[rh->count++] = s;
	return 0;
}

int runhistory_read(struct runhistory *rh, const char *path)
{
	const char *list_field =
		rh->kind == HIST_ALERTS ? "Alerts" : "BackendDisruptions";
	struct hist_context c = {0};
	json_error_t jerr;
	json_t *root, *list, *e;
	char *where = NULL;
	size_t i;
	int rc = -1;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line < 0)
			return err_set("cannot read '%s': %s", path, jerr.text);
		return err_set("'%s': line %d, column %d: %s", path, jerr.line,
			       jerr.column, jerr.text);
	}
	where = xasprintf("'%s'", path);
	if (!json_is_object(root)) {
		err_set("'%s' is not a JSON object of one run's %s", path,
			hist_kind_name(rh->kind));
		goto out;
	}
	if (read_context(rh, root, where, &c) < 0 ||
	    merge_context(rh, &c, path) < 0)
		goto out;
	list = json_object_get(root, list_field);
	if (!json_is_array(list)) {
		err_set("'%s': field '%s' must be an array", path, list_field);
		goto out;
	}
	json_array_foreach (list, i, e) {
		free(where);
		where = xasprintf("'%s': %s index %zu", path, list_field, i);
		if (read_sample(rh, e, where) < 0)
			goto out;
	}
	rc = 0;
out:
	free(where);
	json_decref(root);
	return rc;
}
