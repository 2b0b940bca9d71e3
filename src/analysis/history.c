/*
 * history.c - rows, keys, P values and the comparison of historical
 * percentile data (the formatting of the outputs is in history_format.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/history.h"
#include "core/err.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define NS_PER_MS INT64_C(1000000)

const char *hist_kind_name(enum hist_kind kind)
{
	return kind == HIST_ALERTS ? "alerts" : "disruptions";
}

void hist_set_init(struct hist_set *s, enum hist_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	arena_init(&s->arena);
}

void hist_set_release(struct hist_set *s)
{
	free(s->rows);
	arena_release(&s->arena);
	hist_set_init(s, s->kind);
}

struct hist_row *hist_set_add(struct hist_set *s)
{
	struct hist_row *row;

	ALLOC_GROW(s->rows, s->count + 1, s->cap);
	row = &s->rows[s->count++];
	memset(row, 0, sizeof(*row));
	return row;
}

void hist_row_key(struct hist_set *s, struct hist_row *r)
{
	if (s->kind == HIST_ALERTS)
		r->key = arena_printf(
			&s->arena, "%s_%s_%s_%s_%s_%s_%s_%s_%s", r->name,
			r->namespace, r->level, r->from_release, r->release,
			r->architecture, r->platform, r->network, r->topology);
	else
		r->key = arena_printf(&s->arena, "%s_%s_%s_%s_%s_%s_%s",
				      r->name, r->from_release, r->release,
				      r->architecture, r->platform, r->network,
				      r->topology);
}

/* True when s is a plain decimal number: [+-]d*[.d*][(e|E)[+-]d+]. */
static int is_decimal(const char *s)
{
	size_t digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

int hist_parse_seconds(const char *text, int64_t *ms)
{
	char fixed[64], *dot;
	double v;
	int64_t whole = 0;

	if (!is_decimal(text))
		return err_set("'%s' is not a number of seconds", text);
	v = strtod(text, NULL);
	if (v < 0)
		return err_set("'%s' is negative", text);
	if (!(v < 1e9))
		return err_set("'%s' is too large (at most 10^9 seconds)",
			       text);
	if (v == 0) { /* also -0, which "%.3f" writes as "-0.000" */
		*ms = 0;
		return 0;
	}
	/* The original: fmt.Sprintf("%.3fs", f), then time.ParseDuration. */
	snprintf(fixed, sizeof(fixed), "%.3f", v);
	dot = strchr(fixed, '.');
	for (const char *p = fixed; p < dot; p++)
		whole = whole * 10 + (*p - '0');
	*ms = whole * 1000 + (dot[1] - '0') * 100 + (dot[2] - '0') * 10 +
	      (dot[3] - '0');
	return 0;
}

/*
 * Writes the fraction of v / 10^prec before *w, without trailing zeros
 * and without the point when it is 0; returns v / 10^prec.
 */
static uint64_t put_frac(char **w, uint64_t v, int prec)
{
	int print = 0;

	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(v % 10);

		print = print || digit;
		if (print)
			*--*w = (char)('0' + digit);
		v /= 10;
	}
	if (print)
		*--*w = '.';
	return v;
}

/* Writes v in decimal before *w. */
static void put_int(char **w, uint64_t v)
{
	do {
		*--*w = (char)('0' + v % 10);
		v /= 10;
	} while (v);
}

void hist_duration_string(int64_t ns, char out[32])
{
	char tmp[32], *w = tmp + sizeof(tmp);
	uint64_t u = (uint64_t)ns;
	int neg = ns < 0;

	if (neg)
		u = -u;
	if (u < 1000000000u) {
		int prec;

		*--w = 's';
		if (u == 0) {
			*--w = '0';
		} else {
			if (u < 1000u) {
				prec = 0;
				*--w = 'n';
			} else if (u < 1000000u) {
				prec = 3;
				*--w = '\xb5'; /* U+00B5, the micro sign */
				*--w = '\xc2';
			} else {
				prec = 6;
				*--w = 'm';
			}
			u = put_frac(&w, u, prec);
			put_int(&w, u);
		}
	} else {
		*--w = 's';
		u = put_frac(&w, u, 9);
		put_int(&w, u % 60);
		u /= 60;
		if (u > 0) {
			*--w = 'm';
			put_int(&w, u % 60);
			u /= 60;
			if (u > 0) {
				*--w = 'h';
				put_int(&w, u);
			}
		}
	}
	if (neg)
		*--w = '-';
	memcpy(out, w, (size_t)(tmp + sizeof(tmp) - w));
	out[tmp + sizeof(tmp) - w] = '\0';
}

/*
 * Maps every key of s to the index of its last row; *dups counts rows a
 * later row with the same key replaced.
 */
static void index_rows(const struct hist_set *s, struct strmap *m, size_t *dups)
{
	*dups = 0;
	for (size_t i = 0; i < s->count; i++) {
		const char *k = s->rows[i].key;

		if (strmap_get(m, k, strlen(k), NULL))
			(*dups)++;
		strmap_put(m, k, strlen(k), (int64_t)i);
	}
}

static int by_key(const void *a, const void *b)
{
	const struct hist_row *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* The distinct rows of s (the last of each key), sorted by key. */
static const struct hist_row **distinct_rows(const struct hist_set *s,
					     const struct strmap *m, size_t *n)
{
	const struct hist_row **v = xcalloc(s->count + 1, sizeof(*v));
	int64_t idx;

	*n = 0;
	for (size_t i = 0; i < s->count; i++) {
		const char *k = s->rows[i].key;

		if (strmap_get(m, k, strlen(k), &idx) && (size_t)idx == i)
			v[(*n)++] = &s->rows[i];
	}
	qsort(v, *n, sizeof(*v), by_key);
	return v;
}

/* The original's percentDiff: 0 when the old value is 0. */
static double pct_diff(int64_t diff, int64_t old)
{
	return old ? (double)diff / (double)old * 100 : 0.0;
}

/* Compares one new row with its current row, as compareAndUpdate(). */
static void compare_job(struct hist_job *j, const struct hist_row *old,
			double leeway, struct hist_comparison *out)
{
	int64_t old95 = old->p95_ms * NS_PER_MS,
		old99 = old->p99_ms * NS_PER_MS;
	int64_t diff95 = j->p95_ns - old95, diff99 = j->p99_ns - old99;
	double pct95 = pct_diff(diff95, old95), pct99 = pct_diff(diff99, old99);

	j->matched = 1;
	j->job_results = j->row->job_runs;
	j->prev_p95_ns = old95;
	j->prev_p99_ns = old99;
	if (j->p95_ns > old95 && pct95 > leeway) {
		j->diff_p95_ns = diff95;
		j->pct_p95 = pct95;
	}
	if (j->p99_ns > old99 && pct99 > leeway) {
		out->increases++;
		j->diff_p99_ns = diff99;
		j->pct_p99 = pct99;
	}
	if (j->p99_ns < old99) {
		out->decreases++;
		j->decreased = 1;
	}
}

static void compare_release(const struct hist_row *const *news, size_t nnew,
			    const struct hist_set *current,
			    const struct strmap *cur_map, const char *release,
			    double leeway, struct hist_comparison *out)
{
	int64_t idx;

	for (size_t i = 0; i < nnew; i++) {
		const struct hist_row *r = news[i];
		struct hist_job *j;

		if (strcmp(r->release, release))
			continue;
		j = &out->jobs[out->njobs++];
		memset(j, 0, sizeof(*j));
		j->row = r;
		j->p95_ns = r->p95_ms * NS_PER_MS;
		j->p99_ns = r->p99_ms * NS_PER_MS;
		if (strmap_get(cur_map, r->key, strlen(r->key), &idx))
			compare_job(j, &current->rows[idx], leeway, out);
		else
			out->nadded++;
	}
}

void hist_compare(const struct hist_set *current, const struct hist_set *new,
		  const char *previous_release, const char *target_release,
		  double leeway, struct hist_comparison *out)
{
	struct strmap cur_map = STRMAP_INIT, new_map = STRMAP_INIT;
	const struct hist_row **news, **curs;
	size_t nnew, ncur;

	memset(out, 0, sizeof(*out));
	index_rows(current, &cur_map, &out->duplicates_current);
	index_rows(new, &new_map, &out->duplicates_new);
	news = distinct_rows(new, &new_map, &nnew);
	curs = distinct_rows(current, &cur_map, &ncur);

	out->jobs = xcalloc(nnew + 1, sizeof(*out->jobs));
	compare_release(news, nnew, current, &cur_map, previous_release, leeway,
			out);
	compare_release(news, nnew, current, &cur_map, target_release, leeway,
			out);

	out->missing = curs;
	for (size_t i = 0; i < ncur; i++) {
		const char *k = curs[i]->key;

		if (!strmap_get(&new_map, k, strlen(k), NULL))
			curs[out->nmissing++] = curs[i];
	}
	free(news);
	strmap_release(&cur_map);
	strmap_release(&new_map);
}

void hist_comparison_release(struct hist_comparison *c)
{
	free(c->jobs);
	free(c->missing);
	memset(c, 0, sizeof(*c));
}
