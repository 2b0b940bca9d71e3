/*
 * testrail_cases.c - test-case-coverage: the case fields' labels for the
 * project, its suites, and every suite's cases (the hot path: pages are
 * read with jscan, never copied into jansson).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/testrail_internal.h"
#include "core/banned.h"

#define FIELD_STATUS "custom_automation_status"
#define FIELD_COVERAGE "custom_automation_coverage"
#define FIELD_SUB_SUITES "custom_sub_test_suites"
#define NOT_SET "(not set)"

static void labels_release(struct labels *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->ids);
	free(l->names);
	free(l->def);
	memset(l, 0, sizeof(*l));
}

/* Parses "1, Untriaged\n2, Suitable" into l. */
static void labels_parse(struct labels *l, const char *items, const char *def)
{
	const char *p = items;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *end;
		long long id = strtoll(p, &end, 10);

		if (end != p && *end == ',') {
			const char *name = end + 1;

			while (*name == ' ')
				name++;
			l->ids = xreallocarray(l->ids, l->n + 1,
					       sizeof(int64_t));
			l->names = xreallocarray(l->names, l->n + 1,
						 sizeof(char *));
			l->ids[l->n] = id;
			l->names[l->n] =
				xstrndup(name, (size_t)(p + len - name));
			if (l->names[l->n][0] &&
			    l->names[l->n][strlen(l->names[l->n]) - 1] == '\r')
				l->names[l->n][strlen(l->names[l->n]) - 1] =
					'\0';
			l->n++;
		}
		p = eol ? eol + 1 : NULL;
	}
	l->def = def && *def ? xstrdup(def) : NULL;
}

/* The label of option id, or "unknown (id)" in tmp. */
static const char *label_of(const struct labels *l, int64_t id, char *tmp,
			    size_t size)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return l->names[i];
	snprintf(tmp, size, "unknown (%lld)", (long long)id);
	return tmp;
}

/* Whether a field config's context covers the project. */
static int context_covers(json_t *config, int64_t pid, int *global)
{
	json_t *ctx = json_object_get(config, "context");
	json_t *ids = json_object_get(ctx, "project_ids"), *v;
	size_t i;

	*global = json_is_true(json_object_get(ctx, "is_global"));
	if (*global)
		return 1;
	json_array_foreach (ids, i, v)
		if (json_integer_value(v) == pid)
			return 1;
	return 0;
}

/* Learns a field's options for the project: its own config over a global. */
static void learn_field(struct pull *p, json_t *field)
{
	const char *name =
		json_string_value(json_object_get(field, "system_name"));
	struct labels *l = !name			     ? NULL
			   : !strcmp(name, FIELD_STATUS)     ? &p->status
			   : !strcmp(name, FIELD_COVERAGE)   ? &p->coverage
			   : !strcmp(name, FIELD_SUB_SUITES) ? &p->subs
							     : NULL;
	json_t *configs = json_object_get(field, "configs"), *c, *best = NULL;
	int best_global = 1, global;
	size_t i;

	if (!l)
		return;
	json_array_foreach (configs, i, c) {
		if (context_covers(c, p->q->upstream_id, &global) &&
		    (!best || (best_global && !global))) {
			best = c;
			best_global = global;
		}
	}
	if (!best)
		return;
	labels_release(l);
	c = json_object_get(best, "options");
	labels_parse(l, json_string_value(json_object_get(c, "items")),
		     json_string_value(json_object_get(c, "default_value")));
}

/* The labels of a multi-select value v (or of the field's default). */
static json_t *sub_suites(const struct pull *p, const struct jscan *j,
			  uint32_t v)
{
	json_t *out = json_array();
	char tmp[32];

	for (uint32_t c = jscan_first(j, v); c; c = jscan_next(j, v, c))
		json_array_append_new(
			out, json_string(label_of(&p->subs, jscan_int(j, c, 0),
						  tmp, sizeof(tmp))));
	if (!json_array_size(out) && p->subs.def) {
		const char *d = p->subs.def;

		while (*d) {
			char *end;
			long long id = strtoll(d, &end, 10);

			if (end == d)
				break;
			json_array_append_new(
				out, json_string(label_of(&p->subs, id, tmp,
							  sizeof(tmp))));
			d = end + strspn(end, ", ");
		}
	}
	if (!json_array_size(out))
		json_array_append_new(out, json_string(NOT_SET));
	return out;
}

/* A dropdown value's label, the field's default's, or NOT_SET. */
static const char *dropdown(const struct labels *l, const struct jscan *j,
			    uint32_t v, char tmp[32])
{
	if (jscan_type(j, v) == JSCAN_INT)
		return label_of(l, jscan_int(j, v, 0), tmp, 32);
	if (l->def)
		return label_of(l, strtoll(l->def, NULL, 10), tmp, 32);
	return NOT_SET;
}

static int on_fields(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *f;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, f)
		json_array_append(p->src->fields, f);
	return 0;
}

static int on_suites(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *s;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, s) {
		json_t *id = json_object_get(s, "id");
		json_t *name = json_object_get(s, "name");
		char key[32];

		if (!json_is_integer(id) || !json_is_string(name))
			return err_set("'get_suites/%lld': malformed suite: "
				       "no integer 'id' and string 'name'",
				       (long long)p->q->upstream_id);
		snprintf(key, sizeof(key), "%lld",
			 (long long)json_integer_value(id));
		json_object_set(p->suites, key, name);
		if (testrail_emit(
			    p, "testrail_suite",
			    json_pack("{s:I, s:s, s:I, s:O, s:b, s:o}",
				      "suite_id", json_integer_value(id),
				      "project", p->q->project,
				      "testrail_project_id", p->q->upstream_id,
				      "name", name, "is_completed",
				      json_is_true(json_object_get(
					      s, "is_completed")),
				      "url",
				      testrail_str_of(
					      json_object_get(s, "url")))) < 0)
			return -1;
	}
	p->pages++;
	testrail_progress(p);
	return 0;
}

/*
 * Members of the case record, set in place when nobody else holds the
 * value: the record is made once per pull and refilled for every case,
 * which saves a dozen allocations per case on the hot path.
 */
static json_t *reusable(json_t *rec, const char *key, json_type type)
{
	json_t *m = json_object_get(rec, key);

	return m && m->refcount == 1 && json_typeof(m) == type ? m : NULL;
}

static void put_int(json_t *rec, const char *key, const struct jscan *j,
		    uint32_t v)
{
	json_t *m;

	if (jscan_type(j, v) != JSCAN_INT) {
		json_object_set_new(rec, key, json_null());
		return;
	}
	m = reusable(rec, key, JSON_INTEGER);
	if (m)
		json_integer_set(m, jscan_int(j, v, 0));
	else
		json_object_set_new(rec, key, json_integer(jscan_int(j, v, 0)));
}

/*
 * s of length len (NULL: null).  Text from a page is checked for UTF-8;
 * trusted text (labels and names jansson read, times we wrote) is not.
 */
static void put_text(json_t *rec, const char *key, const char *s, size_t len,
		     int trusted)
{
	json_t *m;

	if (!s) {
		json_object_set_new(rec, key, json_null());
		return;
	}
	m = reusable(rec, key, JSON_STRING);
	if (m && (trusted ? json_string_setn_nocheck(m, s, len)
			  : json_string_setn(m, s, len)) == 0)
		return;
	/* Not UTF-8: null, never the previous case's value. */
	m = json_stringn(s, len);
	json_object_set_new(rec, key, m ? m : json_null());
}

static void put_time(json_t *rec, const char *key, const struct jscan *j,
		     uint32_t v)
{
	char out[TIMESTAMP_MAX];

	if (jscan_type(j, v) != JSCAN_INT) {
		json_object_set_new(rec, key, json_null());
		return;
	}
	timestamp_format(jscan_int(j, v, 0) * 1000, out);
	put_text(rec, key, out, strlen(out), 1);
}

/* Refills rec from case c of suite sid. */
static void fill_case(struct pull *p, const struct jscan *j, uint32_t c,
		      int64_t sid, json_t *rec)
{
	uint32_t title = jscan_get(j, c, "title");
	const char *suite, *label;
	char key[32], tmp[32];
	json_t *m;

	/* Cases come page by page, so mostly of the suite before. */
	if (sid != p->last_sid || !p->last_suite) {
		snprintf(key, sizeof(key), "%lld", (long long)sid);
		suite = json_string_value(json_object_get(p->suites, key));
		free(p->last_suite);
		p->last_suite = xstrdup(suite ? suite : key);
		p->last_sid = sid;
	}
	suite = p->last_suite;
	put_int(rec, "case_id", j, jscan_get(j, c, "id"));
	if (!json_object_get(rec, "project"))
		json_object_set_new(rec, "project", json_string(p->q->project));
	m = reusable(rec, "suite_id", JSON_INTEGER);
	if (m)
		json_integer_set(m, sid);
	else
		json_object_set_new(rec, "suite_id", json_integer(sid));
	put_text(rec, "suite", suite, strlen(suite), 1);
	put_text(rec, "title", jscan_str(j, title),
		 jscan_str(j, title) ? (size_t)j->nodes[title].i : 0, 0);
	put_int(rec, "section_id", j, jscan_get(j, c, "section_id"));
	label = dropdown(&p->status, j, jscan_get(j, c, FIELD_STATUS), tmp);
	put_text(rec, "automation_status", label, strlen(label), 1);
	label = dropdown(&p->coverage, j, jscan_get(j, c, FIELD_COVERAGE), tmp);
	put_text(rec, "coverage", label, strlen(label), 1);
	json_object_set_new(
		rec, "sub_suites",
		sub_suites(p, j, jscan_get(j, c, FIELD_SUB_SUITES)));
	put_time(rec, "created_on", j, jscan_get(j, c, "created_on"));
	put_time(rec, "updated_on", j, jscan_get(j, c, "updated_on"));
}

static int on_cases(size_t stream, const struct jscan *j, uint32_t items,
		    void *ctx)
{
	struct pull *p = ctx;

	if (!p->case_rec)
		p->case_rec = json_object();
	for (uint32_t c = jscan_first(j, items); c;
	     c = jscan_next(j, items, c)) {
		/* A case without its suite_id is of the suite asked for. */
		int64_t sid = jscan_int(j, jscan_get(j, c, "suite_id"),
					p->case_suites[stream]);

		if (jscan_type(j, jscan_get(j, c, "id")) != JSCAN_INT)
			return err_set("'get_cases/%lld&suite_id=%lld': "
				       "malformed case: no integer 'id'",
				       (long long)p->q->upstream_id,
				       (long long)p->case_suites[stream]);
		fill_case(p, j, c, sid, p->case_rec);
		if (testrail_emit(p, "testrail_case",
				  json_incref(p->case_rec)) < 0)
			return -1;
	}
	p->pages++;
	testrail_progress(p);
	return 0;
}

/* Learns the project's dropdown labels, reading the fields once. */
static int learn_fields(struct pull *p)
{
	json_t *f;
	size_t i;

	if (!p->src->fields) {
		p->src->fields = json_array();
		if (testrail_read_list(p, "get_case_fields", "case_fields",
				       on_fields) < 0) {
			json_decref(p->src->fields);
			p->src->fields = NULL;
			return -1;
		}
	}
	json_array_foreach (p->src->fields, i, f)
		learn_field(p, f);
	return 0;
}

int testrail_cases_pull(struct pull *p)
{
	long long pid = (long long)p->q->upstream_id;
	char *path = xasprintf("get_suites/%lld", pid);
	char **paths = NULL;
	const char *key;
	json_t *v;
	size_t n = 0;
	int rc;

	p->what = "suites";
	rc = learn_fields(p);
	if (!rc)
		rc = testrail_read_list(p, path, "suites", on_suites);
	free(path);
	if (rc < 0)
		return -1;
	paths = xcalloc(json_object_size(p->suites) + 1, sizeof(char *));
	p->case_suites =
		xcalloc(json_object_size(p->suites) + 1, sizeof(int64_t));
	json_object_foreach (p->suites, key, v) {
		p->case_suites[n] = strtoll(key, NULL, 10);
		paths[n++] = xasprintf("get_cases/%lld&suite_id=%s", pid, key);
	}
	p->what = "cases";
	p->pages = 0;
	rc = testrail_read_lists(p, paths, n, "cases", p->src->parallel,
				 on_cases);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

void testrail_cases_release(struct pull *p)
{
	labels_release(&p->status);
	labels_release(&p->coverage);
	labels_release(&p->subs);
	free(p->case_suites);
	p->case_suites = NULL;
	json_decref(p->case_rec);
	p->case_rec = NULL;
	free(p->last_suite);
	p->last_suite = NULL;
}
