/*
 * pivot.c - rows of a report turned into the series of a chart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "web/web.h"
#include "core/banned.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds s to the set v (n entries, cap) unless present. */
static void set_add(char ***v, size_t *n, size_t *cap, const char *s,
		    size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*v)[i], s, len) && !(*v)[i][len])
			return;
	if (*n + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = xstrndup(s, len);
	(*v)[*n] = NULL;
}

static size_t find(char **v, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i], s, len) && !v[i][len])
			return i;
	return n;
}

static size_t key_len(const char *s, size_t x_len)
{
	size_t n = strlen(s);

	return x_len && x_len < n ? x_len : n;
}

char **web_distinct(const json_t *rows, const char *key)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0, cap = 1, i;
	const json_t *r;

	json_array_foreach (rows, i, r) {
		const char *s = web_str(r, key);

		set_add(&v, &n, &cap, s, strlen(s));
	}
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

void web_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int skip_row(const json_t *r, const char *project_key,
		    const char *project)
{
	return project_key && project &&
	       strcmp(web_str(r, project_key), project);
}

void web_pivot(struct web_pivot *p, const json_t *rows, const char *x_key,
	       size_t x_len, const char *series_key, const char *series_label,
	       const char *value_key, const char *project_key,
	       const char *project)
{
	size_t i, xcap = 1, scap = 1;
	const json_t *r;

	memset(p, 0, sizeof(*p));
	p->x = xcalloc(1, sizeof(*p->x));
	p->series = xcalloc(1, sizeof(*p->series));
	json_array_foreach (rows, i, r) {
		const char *x = web_str(r, x_key);
		const char *s =
			series_key ? web_str(r, series_key) : series_label;

		if (skip_row(r, project_key, project))
			continue;
		set_add(&p->x, &p->nx, &xcap, x, key_len(x, x_len));
		set_add(&p->series, &p->nseries, &scap, s, strlen(s));
	}
	qsort(p->x, p->nx, sizeof(*p->x), cmp_str);
	qsort(p->series, p->nseries, sizeof(*p->series), cmp_str);
	p->values = xcalloc(p->nx * p->nseries + 1, sizeof(*p->values));
	json_array_foreach (rows, i, r) {
		const char *x = web_str(r, x_key);
		const char *s =
			series_key ? web_str(r, series_key) : series_label;
		size_t xi, si;

		if (skip_row(r, project_key, project))
			continue;
		xi = find(p->x, p->nx, x, key_len(x, x_len));
		si = find(p->series, p->nseries, s, strlen(s));
		p->values[si * p->nx + xi] +=
			value_key ? web_num(r, value_key) : 1;
	}
	p->svg = xcalloc(p->nseries + 1, sizeof(*p->svg));
	for (size_t s = 0; s < p->nseries; s++) {
		p->svg[s].label = p->series[s];
		p->svg[s].values = p->values + s * p->nx;
	}
}

void web_pivot_release(struct web_pivot *p)
{
	web_strv_free(p->x);
	web_strv_free(p->series);
	free(p->values);
	free(p->svg);
	memset(p, 0, sizeof(*p));
}

/* Days from 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int web_day_number(const char *s, long *days)
{
	int y, m, d;

	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

void web_day_format(long days, char out[11])
{
	long z = days + 719468, era, doe, yoe, doy, mp, y, m, d;
	char tmp[64];

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(tmp, sizeof(tmp), "%04ld-%02ld-%02ld", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = 0;
}

void web_pivot_fill_days(struct web_pivot *p)
{
	long first, last, day;
	size_t n;
	char **x;
	double *values;

	if (!p->nx || web_day_number(p->x[0], &first) < 0 ||
	    web_day_number(p->x[p->nx - 1], &last) < 0 || last < first ||
	    last - first > 400 || (size_t)(last - first + 1) == p->nx)
		return;
	n = (size_t)(last - first + 1);
	x = xcalloc(n + 1, sizeof(*x));
	values = xcalloc(n * p->nseries + 1, sizeof(*values));
	for (size_t i = 0; i < n; i++) {
		x[i] = xmalloc(11);
		web_day_format(first + (long)i, x[i]);
	}
	for (size_t i = 0; i < p->nx; i++) {
		if (web_day_number(p->x[i], &day) < 0 || strlen(p->x[i]) != 10)
			continue;
		for (size_t s = 0; s < p->nseries; s++)
			values[s * n + (size_t)(day - first)] +=
				p->values[s * p->nx + i];
	}
	web_strv_free(p->x);
	free(p->values);
	p->x = x;
	p->values = values;
	p->nx = n;
	for (size_t s = 0; s < p->nseries; s++)
		p->svg[s].values = p->values + s * p->nx;
}
