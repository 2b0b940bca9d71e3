/*
 * history_tests.c - per-test summaries over a window, the store's
 * answer to 'testpump history --data-type tests'.
 */
#include <stdlib.h>
#include <string.h>

#include "core/timestamp.h"
#include "core/xalloc.h"
#include "store/history.h"
#include "core/banned.h"

#define DAY_MS (INT64_C(86400) * 1000)

/*
 * The variant columns come from the run's context when it has one, else
 * from the job's variants; the release from the context, else from the
 * payload.  Skipped results are not runs of the test.
 */
static const char tests_sql[] =
	"SELECT rel, plat, topo, arch, name, count(*) AS total, "
	"SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS failures, "
	"SUM(CASE WHEN status = 'flaky' THEN 1 ELSE 0 END), "
	"AVG(duration_ms), COUNT(DISTINCT day) FROM ("
	"SELECT COALESCE(c.release, rl.name) AS rel, "
	"COALESCE(c.platform, vp.value, '') AS plat, "
	"COALESCE(c.topology, vt.value, '') AS topo, "
	"COALESCE(c.architecture, va.value, '') AS arch, "
	"t.id AS test_id, t.name AS name, s.status AS status, "
	"s.duration_ms AS duration_ms, substr(r.started_at, 1, 10) AS day "
	"FROM test_run_status s JOIN job_run r ON r.id = s.job_run_id "
	"JOIN test t ON t.id = s.test_id "
	"LEFT JOIN job_run_context c ON c.job_run_id = r.id "
	"LEFT JOIN payload p ON p.id = r.payload_id "
	"LEFT JOIN release rl ON rl.id = p.release_id "
	"LEFT JOIN job_variant vp ON vp.job_id = r.job_id AND "
	"vp.key = 'platform' "
	"LEFT JOIN job_variant vt ON vt.job_id = r.job_id AND "
	"vt.key = 'topology' "
	"LEFT JOIN job_variant va ON va.job_id = r.job_id AND "
	"va.key = 'architecture' "
	"WHERE r.started_at >= ? AND r.started_at <= ? AND "
	"s.status <> 'skip' AND (? = '' OR t.suite = ?)) x "
	"WHERE rel = ? GROUP BY rel, plat, topo, arch, test_id, name "
	"HAVING count(*) >= ? ORDER BY rel, failures DESC, name, plat, topo, "
	"arch, test_id";

static int on_test(const struct store_row *row, void *ctx)
{
	struct history_tests *t = ctx;
	struct hist_test_summary *r;

	ALLOC_GROW(t->rows, t->count + 1, t->cap);
	r = &t->rows[t->count++];
	r->release = xstrdup(row->cols[0].s);
	r->platform = xstrdup(row->cols[1].s);
	r->topology = xstrdup(row->cols[2].s);
	r->architecture = xstrdup(row->cols[3].s);
	r->test_name = xstrdup(row->cols[4].s);
	r->total = row->cols[5].i;
	r->failures = row->cols[6].i;
	r->flakes = row->cols[7].i;
	r->avg_duration_ms = row->cols[8].type == STORE_REAL ? row->cols[8].d
			     : row->cols[8].type == STORE_INT
				     ? (double)row->cols[8].i
				     : 0.0;
	r->days_with_data = row->cols[9].i;
	r->failure_rate =
		r->total ? (double)r->failures / (double)r->total : 0.0;
	return 0;
}

int history_store_tests(struct store *st, const char *release,
			const char *suite, int64_t now_ms, int window_days,
			int64_t min_runs, struct history_tests *out)
{
	char from[TIMESTAMP_MAX], to[TIMESTAMP_MAX];
	int64_t start = now_ms - window_days * DAY_MS;
	struct store_value v[6];

	memset(out, 0, sizeof(*out));
	timestamp_format(start / 1000 * 1000, from);
	timestamp_format(now_ms / 1000 * 1000, to);
	timestamp_format_date(start, out->period_start);
	timestamp_format_date(now_ms, out->period_end);
	v[0] = STORE_TEXT_V(from);
	v[1] = STORE_TEXT_V(to);
	v[2] = STORE_TEXT_V(suite ? suite : "");
	v[3] = STORE_TEXT_V(suite ? suite : "");
	v[4] = STORE_TEXT_V(release);
	v[5] = STORE_INT_V(min_runs);
	if (store_exec(st, tests_sql, v, 6, on_test, out) < 0) {
		history_tests_release(out);
		return -1;
	}
	return 0;
}
