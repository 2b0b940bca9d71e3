/*
 * percentiles.c - historical percentile files, read with jansson.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "ingest/percentiles.h"
#include "core/banned.h"

/* Where a bad value is, for messages. */
struct where {
	const char *path;
	size_t index;
};

static const char *json_type_word(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static int field_error(const struct where *w, const char *field,
		       const char *what)
{
	return err_set("'%s': row index %zu: field '%s' %s", w->path, w->index,
		       field, what);
}

/* The string field, copied into the set's arena; NULL when nullable. */
static int get_str(struct hist_set *s, const json_t *obj, const struct where *w,
		   const char *field, int nullable, const char **out)
{
	const json_t *v = json_object_get(obj, field);
	char what[64];

	*out = NULL;
	if (!v) {
		if (nullable)
			return 0;
		return field_error(w, field, "is missing");
	}
	if (json_is_null(v) && nullable)
		return 0;
	if (!json_is_string(v)) {
		snprintf(what, sizeof(what), "must be a string, not %s",
			 json_type_word(v));
		return field_error(w, field, what);
	}
	*out = arena_strndup(&s->arena, json_string_value(v),
			     json_string_length(v));
	return 0;
}

static int get_seconds(struct hist_set *s, const json_t *obj,
		       const struct where *w, const char *field,
		       const char **text, int64_t *ms)
{
	int64_t dummy;

	if (get_str(s, obj, w, field, 0, text) < 0)
		return -1;
	if (hist_parse_seconds(*text, ms ? ms : &dummy) < 0)
		return err_set("'%s': row index %zu: field '%s': %s", w->path,
			       w->index, field, err_msg());
	return 0;
}

static int get_time(struct hist_set *s, const json_t *obj,
		    const struct where *w, const char *field, const char **out)
{
	char norm[40];

	if (get_str(s, obj, w, field, 0, out) < 0)
		return -1;
	if (percentiles_time_text(*out, norm) < 0)
		return err_set("'%s': row index %zu: field '%s': %s", w->path,
			       w->index, field, err_msg());
	*out = arena_strdup(&s->arena, norm);
	return 0;
}

static int get_job_runs(const json_t *obj, const struct where *w, int64_t *out)
{
	const json_t *v = json_object_get(obj, "JobRuns");
	char what[64];

	if (!v)
		return field_error(w, "JobRuns", "is missing");
	if (!json_is_integer(v)) {
		snprintf(what, sizeof(what), "must be an integer, not %s",
			 json_is_real(v) ? "a fraction" : json_type_word(v));
		return field_error(w, "JobRuns", what);
	}
	if (json_integer_value(v) < 0)
		return field_error(w, "JobRuns", "must not be negative");
	*out = json_integer_value(v);
	return 0;
}

static int read_row(struct hist_set *s, const json_t *obj,
		    const struct where *w)
{
	struct hist_row *r;
	int alerts = s->kind == HIST_ALERTS;

	if (!json_is_object(obj))
		return err_set("'%s': row index %zu is %s, not an object",
			       w->path, w->index, json_type_word(obj));
	r = hist_set_add(s);
	if (get_str(s, obj, w, alerts ? "AlertName" : "BackendName", 0,
		    &r->name) < 0 ||
	    (alerts &&
	     (get_str(s, obj, w, "AlertNamespace", 0, &r->namespace) < 0 ||
	      get_str(s, obj, w, "AlertLevel", 0, &r->level) < 0 ||
	      get_time(s, obj, w, "FirstObserved", &r->first_observed) < 0 ||
	      get_time(s, obj, w, "LastObserved", &r->last_observed) < 0)) ||
	    get_str(s, obj, w, "Release", 0, &r->release) < 0 ||
	    get_str(s, obj, w, "FromRelease", 0, &r->from_release) < 0 ||
	    get_str(s, obj, w, "Platform", 0, &r->platform) < 0 ||
	    get_str(s, obj, w, "Architecture", 0, &r->architecture) < 0 ||
	    get_str(s, obj, w, "Network", 0, &r->network) < 0 ||
	    get_str(s, obj, w, "Topology", 0, &r->topology) < 0 ||
	    get_str(s, obj, w, "MasterNodesUpdated", 1,
		    &r->master_nodes_updated) < 0 ||
	    get_job_runs(obj, w, &r->job_runs) < 0 ||
	    get_seconds(s, obj, w, "P95", &r->p95, &r->p95_ms) < 0 ||
	    get_seconds(s, obj, w, "P99", &r->p99, &r->p99_ms) < 0 ||
	    get_seconds(s, obj, w, "P75", &r->p75, NULL) < 0 ||
	    get_seconds(s, obj, w, "P50", &r->p50, NULL) < 0) {
		s->count--;
		return -1;
	}
	hist_row_key(s, r);
	return 0;
}

int percentiles_read(const char *path, struct hist_set *s)
{
	json_error_t jerr;
	json_t *root, *row;
	struct where w = {path, 0};
	size_t i;
	int rc = 0;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		FILE *fp = fopen(path, "r");

		if (!fp)
			return err_set("cannot open '%s': %s", path,
				       strerror(errno));
		fclose(fp);
		return err_set("'%s': line %d, column %d: %s", path, jerr.line,
			       jerr.column, jerr.text);
	}
	if (!json_is_array(root)) {
		rc = err_set("'%s' holds %s, not an array of %s rows", path,
			     json_type_word(root), hist_kind_name(s->kind));
		goto out;
	}
	json_array_foreach (root, i, row) {
		w.index = i;
		if (read_row(s, row, &w) < 0) {
			rc = -1;
			break;
		}
	}
out:
	json_decref(root);
	return rc;
}

/* Reads n digits at s into *v; 0 when they are not all digits. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

int percentiles_time_text(const char *text, char out[40])
{
	int y, mo, d, h, mi, sec, oh, om;
	const char *p = text + 19, *frac;
	size_t nfrac = 0;

	if (strlen(text) < 20 || !digits(text, 4, &y) || text[4] != '-' ||
	    !digits(text + 5, 2, &mo) || text[7] != '-' ||
	    !digits(text + 8, 2, &d) || text[10] != 'T' ||
	    !digits(text + 11, 2, &h) || text[13] != ':' ||
	    !digits(text + 14, 2, &mi) || text[16] != ':' ||
	    !digits(text + 17, 2, &sec))
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || sec > 59)
		goto bad;
	frac = p;
	if (*p == '.') {
		for (p++, frac = p; *p >= '0' && *p <= '9'; p++)
			nfrac++;
		if (!nfrac || nfrac > 9)
			goto bad;
	}
	if (*p == 'Z' && !p[1]) {
		oh = om = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		   digits(p + 1, 2, &oh) && p[3] == ':' &&
		   digits(p + 4, 2, &om)) {
		if (oh > 23 || om > 59)
			goto bad;
	} else {
		goto bad;
	}
	while (nfrac && frac[nfrac - 1] == '0')
		nfrac--;
	snprintf(out, 40, "%.19s%s%.*s%s", text, nfrac ? "." : "", (int)nfrac,
		 frac, oh || om ? p : "Z");
	return 0;
bad:
	return err_set("'%s' is not an RFC 3339 time "
		       "(2024-05-01T12:34:56Z)",
		       text);
}
