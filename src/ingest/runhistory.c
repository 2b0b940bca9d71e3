/*
 * runhistory.c - per-run disruption and alert files, read with jansson.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
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
	free(rh->sample_file);
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

/* The variant fields of a file, by their JSON names. */
static const struct {
	const char *json;
	size_t off;
	int optional; /* may be absent or null in the row shape too */
} context_fields[] = {
	{"Release", offsetof(struct hist_context, release), 0},
	{"FromRelease", offsetof(struct hist_context, from_release), 0},
	{"Platform", offsetof(struct hist_context, platform), 0},
	{"Architecture", offsetof(struct hist_context, architecture), 0},
	{"Network", offsetof(struct hist_context, network), 0},
	{"Topology", offsetof(struct hist_context, topology), 0},
	{"MasterNodesUpdated",
	 offsetof(struct hist_context, master_nodes_updated), 1},
};

#define NFIELDS (sizeof(context_fields) / sizeof(context_fields[0]))
#define MNU_FIELD (NFIELDS - 1)

static const char **field_of(struct hist_context *c, size_t i)
{
	return (const char **)(void *)((char *)c + context_fields[i].off);
}

/* The variant of one file; every field is optional in an artifact. */
static int read_context(struct runhistory *rh, const json_t *root,
			const char *where, int artifact, struct hist_context *c)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (str_field(rh, root, where, context_fields[i].json,
			      artifact || context_fields[i].optional,
			      field_of(c, i)) < 0)
			return -1;
	if (c->release && !*c->release)
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

/*
 * The first file's variant is the run's; later files must agree.  In
 * artifacts a field one file lacks is no disagreement: the files that
 * give it must agree, and the first that does sets it.
 */
static int merge_context(struct runhistory *rh, struct hist_context *c,
			 const char *path)
{
	int partial = rh->shape == RUNHISTORY_ARTIFACT;

	for (size_t i = 0; i < NFIELDS; i++) {
		const char **have = field_of(&rh->context, i);
		const char *now = *field_of(c, i);

		if (!rh->have_context || (partial && !*have)) {
			*have = now;
			continue;
		}
		if (partial && !now)
			continue;
		if (!same(now, *have))
			return err_set("'%s': field '%s' differs from the "
				       "run's earlier file",
				       path, context_fields[i].json);
	}
	rh->have_context = 1;
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
	strmap_put(&rh->seen, id.data, id.len, (int64_t)rh->count);
	buf_release(&id);
	if (dup)
		return err_set("%s: '%s' is given twice for this run", where,
			       s.name);
	ALLOC_GROW(rh->samples, rh->count + 1, rh->cap);
	rh->samples[rh->count++] = s;
	return 0;
}

#define NS_LIMIT ((uint64_t)1 << 63) /* as Go's time.ParseDuration */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One "<number><unit>" of a Go duration at *s, in ns, moving *s on. */
static int duration_part(const char **s, uint64_t *out)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{"ns", 1},
		{"us", 1000},
		{"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
		{"\xce\xbcs", 1000}, /* U+03BC Greek mu */
		{"ms", 1000000},
		{"s", 1000000000},
		{"m", UINT64_C(60000000000)},
		{"h", UINT64_C(3600000000000)},
	};
	const char *p = *s, *u;
	uint64_t v = 0, f = 0, unit = 0;
	double scale = 1;
	int digits = 0, fraction = 0, fraction_full = 0;

	for (; is_digit(*p); p++, digits++) {
		if (v > NS_LIMIT / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > NS_LIMIT)
			return -1;
	}
	if (*p == '.')
		for (p++; is_digit(*p); p++, fraction++) {
			/* Digits past 63 bits are dropped, as Go drops them. */
			if (fraction_full || f > NS_LIMIT / 10 ||
			    f * 10 + (uint64_t)(*p - '0') > NS_LIMIT) {
				fraction_full = 1;
				continue;
			}
			f = f * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	if (!digits && !fraction)
		return -1;
	for (u = p; *p && *p != '.' && !is_digit(*p); p++)
		;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if ((size_t)(p - u) == strlen(units[i].name) &&
		    !memcmp(u, units[i].name, (size_t)(p - u)))
			unit = units[i].ns;
	if (!unit || v > NS_LIMIT / unit)
		return -1;
	v *= unit;
	if (f > 0) {
		v += (uint64_t)((double)f * ((double)unit / scale));
		if (v > NS_LIMIT)
			return -1;
	}
	*out = v;
	*s = p;
	return 0;
}

int runhistory_parse_duration(const char *text, int64_t *ns)
{
	const char *s = text;
	uint64_t d = 0, part;

	if (*s == '+')
		s++;
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		if (duration_part(&s, &part) < 0)
			return -1;
		d += part;
		if (d > NS_LIMIT)
			return -1;
	}
	if (d > (uint64_t)INT64_MAX)
		return -1;
	*ns = (int64_t)d;
	return 0;
}

/* The backend's whole seconds of one artifact entry, as milliseconds. */
static int artifact_ms(const json_t *e, const char *path, const char *key,
		       int64_t *ms)
{
	const json_t *v = json_object_get(e, "DisruptedDuration");
	int64_t ns;

	if (!v)
		return err_set("'%s': BackendDisruptions '%s': field "
			       "'DisruptedDuration' is missing",
			       path, key);
	if (!json_is_string(v))
		return err_set("'%s': BackendDisruptions '%s': field "
			       "'DisruptedDuration' must be a duration string "
			       "such as \"2.5s\" or \"1m3s\"",
			       path, key);
	if (strlen(json_string_value(v)) != json_string_length(v) ||
	    runhistory_parse_duration(json_string_value(v), &ns) < 0)
		return err_set("'%s': BackendDisruptions '%s': field "
			       "'DisruptedDuration' is not a duration such as "
			       "\"2.5s\" or \"1m3s\" (not negative): '%s'",
			       path, key, json_string_value(v));
	*ms = (ns / 1000000000 + (ns % 1000000000 != 0)) * 1000;
	return 0;
}

/*
 * One entry of an artifact's BackendDisruptions: its ceil(seconds) are
 * added to the backend's earlier files.
 */
static int read_artifact_entry(struct runhistory *rh, const char *key,
			       const json_t *e, const char *path)
{
	const json_t *name = json_object_get(e, "Name");
	const char *backend = key;
	struct hist_sample *s;
	int64_t ms = 0, idx;

	if (!json_is_object(e))
		return err_set("'%s': BackendDisruptions '%s' is not an object",
			       path, key);
	if (name && !json_is_null(name) && !json_is_string(name))
		return err_set("'%s': BackendDisruptions '%s': field 'Name' "
			       "must be a string",
			       path, key);
	if (json_is_string(name) && *json_string_value(name))
		backend = json_string_value(name);
	if (!*backend)
		return err_set("'%s': BackendDisruptions '': field 'Name' is "
			       "missing or empty",
			       path);
	if (artifact_ms(e, path, key, &ms) < 0)
		return -1;
	if (strmap_get(&rh->seen, backend, strlen(backend), &idx)) {
		s = &rh->samples[idx];
		if (rh->sample_file[idx] == rh->nfiles)
			return err_set("'%s': BackendDisruptions '%s': backend "
				       "'%s' is given twice in this file",
				       path, key, backend);
		if (s->ms > INT64_MAX - ms)
			return err_set("'%s': BackendDisruptions '%s': the "
				       "run's total for '%s' is too large",
				       path, key, backend);
		s->ms += ms;
		rh->sample_file[idx] = rh->nfiles;
		return 0;
	}
	strmap_put(&rh->seen, backend, strlen(backend), (int64_t)rh->count);
	ALLOC_GROW(rh->samples, rh->count + 1, rh->cap);
	ALLOC_GROW(rh->sample_file, rh->count + 1, rh->file_cap);
	rh->samples[rh->count] = (struct hist_sample){
		.name = arena_strdup(&rh->arena, backend), .ms = ms};
	rh->sample_file[rh->count++] = rh->nfiles;
	return 0;
}

/* The shape of a file, from its list field; 0 with the message set. */
static enum runhistory_shape file_shape(struct runhistory *rh,
					const json_t *list, const char *path)
{
	static const char *const names[] = {"", "an array", "an object"};
	enum runhistory_shape shape = RUNHISTORY_ROWS;

	if (rh->kind == HIST_DISRUPTIONS && json_is_object(list))
		shape = RUNHISTORY_ARTIFACT;
	if (rh->shape && rh->shape != shape) {
		err_set("'%s': field 'BackendDisruptions' is %s, but in the "
			"run's earlier files it is %s: give one run's files in "
			"one shape",
			path, names[shape], names[rh->shape]);
		return RUNHISTORY_NONE;
	}
	return shape;
}

int runhistory_complete_context(struct runhistory *rh,
				const struct hist_context *job_variants,
				const char *job, const char *run_id)
{
	struct hist_context jv = {0};

	if (rh->shape != RUNHISTORY_ARTIFACT)
		return 0;
	if (job_variants)
		jv = *job_variants;
	for (size_t i = 0; i < MNU_FIELD; i++) {
		const char **have = field_of(&rh->context, i);
		const char *from_job = *field_of(&jv, i);

		if (*have)
			continue;
		if (from_job && *from_job)
			*have = from_job;
		else if (i)
			*have = "";
	}
	if (!rh->context.release)
		return err_set("run '%s' of job '%s' has no release: its files "
			       "give no 'Release' and the job has no 'release' "
			       "variant (run 'testpump jobs prime' with a "
			       "release variant for the job)",
			       run_id, job);
	rh->have_context = 1;
	return 0;
}

int runhistory_read(struct runhistory *rh, const char *path)
{
	const char *list_field =
		rh->kind == HIST_ALERTS ? "Alerts" : "BackendDisruptions";
	struct hist_context c = {0};
	enum runhistory_shape shape;
	json_error_t jerr;
	json_t *root, *list, *e;
	const char *key;
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
	rh->nfiles++;
	where = xasprintf("'%s'", path);
	if (!json_is_object(root)) {
		err_set("'%s' is not a JSON object of one run's %s", path,
			hist_kind_name(rh->kind));
		goto out;
	}
	list = json_object_get(root, list_field);
	shape = file_shape(rh, list, path);
	if (!shape)
		goto out;
	rh->shape = shape;
	if (read_context(rh, root, where, shape == RUNHISTORY_ARTIFACT, &c) <
		    0 ||
	    merge_context(rh, &c, path) < 0)
		goto out;
	if (shape == RUNHISTORY_ARTIFACT) {
		json_object_foreach (list, key, e)
			if (read_artifact_entry(rh, key, e, path) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	if (!json_is_array(list)) {
		err_set("'%s': field '%s' must be %s", path, list_field,
			rh->kind == HIST_ALERTS
				? "an array"
				: "an array of rows or an object (the "
				  "original's backend-disruption artifact)");
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
