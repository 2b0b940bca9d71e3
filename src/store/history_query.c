/*
 * history_query.c - reading historical data back: percentile rows from
 * per-run disruptions and alerts, the newest releases, test summaries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "core/err.h"
#include "core/strmap.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "store/history.h"
#include "core/banned.h"

#define DAY_MS (INT64_C(86400) * 1000)
#define NKEY 10 /* name, namespace, level, and the seven variant columns */

/* Groups sorted sample rows into percentile rows. */
struct grouper {
	struct hist_set *out;
	char *key[NKEY]; /* the current group's columns, NULL when none */
	char *mnu;	 /* master_nodes_updated while all runs agree */
	int mnu_mixed;
	double *secs;
	size_t n, cap;
	struct strmap observed; /* name\0namespace\0release -> index */
	char **first, **last;
	size_t nobserved;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * The seconds, rounded to the millisecond the inputs have, as the
 * original's files hold them: "8.8", "9.76", "12.0".
 */
static void format_seconds(double v, char out[40])
{
	size_t n;

	snprintf(out, 40, "%.3f", round(v * 1000) / 1000);
	n = strlen(out);
	while (out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = '\0';
}

static const char *put(struct hist_set *s, const char *v)
{
	return arena_strdup(&s->arena, v ? v : "");
}

static void observed_span(struct grouper *g, struct hist_row *r)
{
	struct buf k = BUF_INIT;
	int64_t idx;

	buf_addf(&k, "%s%c%s%c%s", r->name, 0, r->namespace, 0, r->release);
	if (strmap_get(&g->observed, k.data, k.len, &idx)) {
		r->first_observed = put(g->out, g->first[idx]);
		r->last_observed = put(g->out, g->last[idx]);
	} else {
		r->first_observed = r->last_observed = "0001-01-01T00:00:00Z";
	}
	buf_release(&k);
}

/* Turns the current group into one row of g->out. */
static void flush(struct grouper *g)
{
	struct hist_set *s = g->out;
	struct hist_row *r;
	char text[40];
	static const double pcts[] = {95, 99, 75, 50};
	const char **dest[4];

	if (!g->n)
		return;
	r = hist_set_add(s);
	dest[0] = &r->p95, dest[1] = &r->p99, dest[2] = &r->p75;
	dest[3] = &r->p50;
	r->name = put(s, g->key[0]);
	r->namespace = put(s, g->key[1]);
	r->level = put(s, g->key[2]);
	r->release = put(s, g->key[3]);
	r->from_release = put(s, g->key[4]);
	r->architecture = put(s, g->key[5]);
	r->platform = put(s, g->key[6]);
	r->network = put(s, g->key[7]);
	r->topology = put(s, g->key[8]);
	r->master_nodes_updated =
		g->mnu_mixed || !g->mnu ? NULL : put(s, g->mnu);
	r->job_runs = (int64_t)g->n;
	for (size_t i = 0; i < 4; i++) {
		format_seconds(stats_percentile_cont(g->secs, g->n, pcts[i]),
			       text);
		*dest[i] = put(s, text);
	}
	hist_parse_seconds(r->p95, &r->p95_ms);
	hist_parse_seconds(r->p99, &r->p99_ms);
	if (s->kind == HIST_ALERTS)
		observed_span(g, r);
	hist_row_key(s, r);
	g->n = 0;
}

static void reset_key(struct grouper *g)
{
	for (size_t i = 0; i < NKEY; i++) {
		free(g->key[i]);
		g->key[i] = NULL;
	}
	free(g->mnu);
	g->mnu = NULL;
	g->mnu_mixed = 0;
}

/*
 * Columns: name, namespace, level, release, from_release, architecture,
 * platform, network, topology, master_nodes_updated, ms; sorted by the
 * first nine, then ms.
 */
static int on_sample(const struct store_row *row, void *ctx)
{
	struct grouper *g = ctx;
	const char *mnu = row->cols[9].s;
	size_t i;

	for (i = 0; i < 9; i++) {
		const char *v = row->cols[i].s ? row->cols[i].s : "";

		if (!g->key[i] || strcmp(g->key[i], v))
			break;
	}
	if (i < 9 || !g->n) {
		flush(g);
		reset_key(g);
		for (i = 0; i < 9; i++)
			g->key[i] =
				xstrdup(row->cols[i].s ? row->cols[i].s : "");
		g->mnu = dup_or_null(mnu);
	} else if (!g->mnu_mixed &&
		   (!mnu != !g->mnu || (mnu && strcmp(mnu, g->mnu)))) {
		g->mnu_mixed = 1;
	}
	ALLOC_GROW(g->secs, g->n + 1, g->cap);
	g->secs[g->n++] = (double)row->cols[10].i / 1000.0;
	return 0;
}

static int on_observed(const struct store_row *row, void *ctx)
{
	struct grouper *g = ctx;
	struct buf k = BUF_INIT;

	buf_addf(&k, "%s%c%s%c%s", row->cols[0].s, 0, row->cols[1].s, 0,
		 row->cols[2].s);
	strmap_put(&g->observed, k.data, k.len, (int64_t)g->nobserved);
	g->first = xreallocarray(g->first, g->nobserved + 1, sizeof(char *));
	g->last = xreallocarray(g->last, g->nobserved + 1, sizeof(char *));
	g->first[g->nobserved] = xstrdup(row->cols[3].s);
	g->last[g->nobserved] = xstrdup(row->cols[4].s);
	g->nobserved++;
	buf_release(&k);
	return 0;
}

static const char disruption_sql[] =
	"SELECT d.backend, '', '', c.release, c.from_release, "
	"c.architecture, c.platform, c.network, c.topology, "
	"c.master_nodes_updated, d.disruption_ms FROM disruption d "
	"JOIN job_run r ON r.id = d.job_run_id "
	"JOIN job_run_context c ON c.job_run_id = d.job_run_id "
	"WHERE r.started_at >= ? AND r.started_at <= ? AND "
	"((c.master_nodes_updated IS NOT NULL AND "
	"c.master_nodes_updated <> 'N') OR c.from_release = '') "
	"ORDER BY 1, 4, 5, 6, 7, 8, 9, 11";

static const char alert_sql[] =
	"WITH runs AS (SELECT c.* FROM job_run_context c JOIN job_run r ON "
	"r.id = c.job_run_id WHERE c.alerts_ingested = 1 AND "
	"r.started_at >= ? AND r.started_at <= ?), "
	"known AS (SELECT DISTINCT a.name, a.namespace, a.level, u.release "
	"FROM alert a JOIN runs u ON u.job_run_id = a.job_run_id) "
	"SELECT k.name, k.namespace, k.level, u.release, u.from_release, "
	"u.architecture, u.platform, u.network, u.topology, "
	"u.master_nodes_updated, COALESCE(a.firing_ms, 0) FROM runs u "
	"JOIN known k ON k.release = u.release LEFT JOIN alert a ON "
	"a.job_run_id = u.job_run_id AND a.name = k.name AND "
	"a.namespace = k.namespace AND a.level = k.level "
	"ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 11";

static const char observed_sql[] =
	"SELECT a.name, a.namespace, c.release, MIN(r.started_at), "
	"MAX(r.started_at) FROM alert a JOIN job_run r ON r.id = a.job_run_id "
	"JOIN job_run_context c ON c.job_run_id = a.job_run_id "
	"GROUP BY a.name, a.namespace, c.release";

int history_store_percentiles(struct store *st, enum hist_kind kind,
			      int64_t now_ms, int window_days,
			      struct hist_set *out)
{
	struct grouper g = {.out = out, .observed = STRMAP_INIT};
	char from[TIMESTAMP_MAX], to[TIMESTAMP_MAX];
	struct store_value v[2];
	int rc;

	timestamp_format((now_ms - window_days * DAY_MS) / 1000 * 1000, from);
	timestamp_format(now_ms / 1000 * 1000, to);
	v[0] = STORE_TEXT_V(from);
	v[1] = STORE_TEXT_V(to);
	rc = kind == HIST_ALERTS
		     ? store_exec(st, observed_sql, NULL, 0, on_observed, &g)
		     : 0;
	if (!rc)
		rc = store_exec(
			st, kind == HIST_ALERTS ? alert_sql : disruption_sql, v,
			2, on_sample, &g);
	if (!rc)
		flush(&g);
	reset_key(&g);
	for (size_t i = 0; i < g.nobserved; i++) {
		free(g.first[i]);
		free(g.last[i]);
	}
	free(g.first);
	free(g.last);
	free(g.secs);
	strmap_release(&g.observed);
	return rc < 0 ? -1 : 0;
}

int history_version_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea = a, *eb = b;
			int c;

			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
				;
			for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			c = strncmp(a, b, (size_t)(ea - a));
			if (c)
				return c < 0 ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* All releases: names, and the name of each one's previous release. */
struct release_list {
	char **names, **previous;
	size_t n;
};

static int on_release(const struct store_row *row, void *ctx)
{
	struct release_list *l = ctx;

	l->names = xreallocarray(l->names, l->n + 1, sizeof(char *));
	l->previous = xreallocarray(l->previous, l->n + 1, sizeof(char *));
	l->names[l->n] = xstrdup(row->cols[0].s);
	l->previous[l->n] = dup_or_null(row->cols[1].s);
	l->n++;
	return 0;
}

int history_store_releases(struct store *st, char **target, char **previous)
{
	struct release_list l = {0};
	size_t newest = 0, prev = (size_t)-1;
	int rc = -1;

	*target = *previous = NULL;
	if (store_exec(st,
		       "SELECT r.name, p.name FROM release r LEFT JOIN "
		       "release p ON p.id = r.previous_release_id",
		       NULL, 0, on_release, &l) < 0)
		goto out;
	for (size_t i = 1; i < l.n; i++)
		if (history_version_cmp(l.names[i], l.names[newest]) > 0)
			newest = i;
	for (size_t i = 0; i < l.n; i++) {
		if (i == newest ||
		    history_version_cmp(l.names[i], l.names[newest]) >= 0)
			continue;
		if (prev == (size_t)-1 ||
		    history_version_cmp(l.names[i], l.names[prev]) > 0)
			prev = i;
	}
	if (l.n && l.previous[newest]) {
		*target = xstrdup(l.names[newest]);
		*previous = xstrdup(l.previous[newest]);
		rc = 0;
	} else if (prev != (size_t)-1) {
		*target = xstrdup(l.names[newest]);
		*previous = xstrdup(l.names[prev]);
		rc = 0;
	} else {
		err_set("the store knows %zu release%s, and two are needed: "
			"give '--target-release' and '--previous-release'",
			l.n, l.n == 1 ? "" : "s");
	}
out:
	for (size_t i = 0; i < l.n; i++) {
		free(l.names[i]);
		free(l.previous[i]);
	}
	free(l.names);
	free(l.previous);
	return rc;
}
