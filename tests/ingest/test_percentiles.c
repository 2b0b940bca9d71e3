/*
 * test_percentiles.c - reading percentile files and per-run disruption
 * and alert files: the origin shape, and every kind of bad input named
 * by file, row index and field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "ingest/percentiles.h"
#include "ingest/runhistory.h"
#include "core/banned.h"

/* A temporary file holding text; the caller unlinks and frees it. */
static char *temp_file(const char *text)
{
	char tmpl[] = "/tmp/test-percentiles-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return xstrdup(tmpl);
}

#define ROW                                                                  \
	"\"BackendName\": \"kube-api\", \"Release\": \"4.16\", "             \
	"\"FromRelease\": \"\", \"Platform\": \"aws\", \"Architecture\": "   \
	"\"amd64\", \"Network\": \"ovn\", \"Topology\": \"ha\", "            \
	"\"MasterNodesUpdated\": null, \"JobRuns\": 120, \"P99\": \"4.5\", " \
	"\"P75\": \"0.0\", \"P50\": \"0.0\""

/* Reads text as disruptions; returns the error ("" when it parsed). */
static void expect(const char *text, const char *want)
{
	char *path = temp_file(text), *msg;
	struct hist_set s;
	int rc;

	hist_set_init(&s, HIST_DISRUPTIONS);
	err_clear();
	rc = percentiles_read(path, &s);
	msg = xasprintf("%s", err_msg());
	if (*want) {
		char *full = xasprintf("'%s'%s", path, want);

		assert_int_equal(rc, -1);
		assert_string_equal(msg, full);
		free(full);
	} else {
		assert_int_equal(rc, 0);
	}
	free(msg);
	hist_set_release(&s);
	unlink(path);
	free(path);
}

static void test_good_file(void **state)
{
	char path[512];
	struct hist_set s;

	(void)state;
	snprintf(path, sizeof(path), "%s/history/alerts_new.json",
		 getenv("FIXTURES"));
	hist_set_init(&s, HIST_ALERTS);
	assert_int_equal(percentiles_read(path, &s), 0);
	assert_int_equal(s.count, 4);
	assert_string_equal(s.rows[0].key, "KubePodNotReady_openshift-etcd_"
					   "Warning__4.16_amd64_aws_ovn_ha");
	assert_string_equal(s.rows[0].first_observed, "2024-03-01T10:00:00Z");
	assert_string_equal(s.rows[0].last_observed,
			    "2024-05-20T08:00:00.25+02:00");
	assert_int_equal(s.rows[0].p99_ms, 200250);
	assert_null(s.rows[0].master_nodes_updated);
	assert_int_equal(s.rows[2].job_runs, 520);
	assert_string_equal(s.rows[2].master_nodes_updated, "Y");
	hist_set_release(&s);
}

static void test_bad_rows(void **state)
{
	(void)state;
	expect("[{" ROW ", \"P95\": \"1.0\"}]", "");
	expect("[{" ROW "}]", ": row index 0: field 'P95' is missing");
	expect("[{" ROW ", \"P95\": \"1.0\"}, {" ROW ", \"P95\": 1.0}]",
	       ": row index 1: field 'P95' must be a string, not a number");
	expect("[{" ROW ", \"P95\": \"1.0\"}, {" ROW ", \"P95\": \"1,5\"}]",
	       ": row index 1: field 'P95': '1,5' is not a number of seconds");
	expect("[{" ROW ", \"P95\": null}]",
	       ": row index 0: field 'P95' must be a string, not null");
	expect("[{" ROW ", \"P95\": \"1.0\", \"Release\": 4.16}]",
	       ": line 1, column 256: duplicate object key near "
	       "'\"Release\"'");
	expect("[{\"BackendName\": \"x\"}]",
	       ": row index 0: field 'Release' is missing");
	expect("[7]", ": row index 0 is a number, not an object");
	expect("{}", " holds an object, not an array of disruptions rows");
	/* A file cut short is named with its line and column. */
	expect("[{" ROW ", \"P95\": \"1.0\"",
	       ": line 1, column 245: '}' expected near end of file");
}

static void test_bad_job_runs(void **state)
{
	static const char tail[] =
		"\"BackendName\": \"b\", \"Release\": \"4.16\", "
		"\"FromRelease\": \"\", \"Platform\": \"aws\", "
		"\"Architecture\": \"amd64\", \"Network\": \"ovn\", "
		"\"Topology\": \"ha\", \"P95\": \"1\", \"P99\": \"1\", "
		"\"P75\": \"1\", \"P50\": \"1\"";
	char *text;

	(void)state;
	text = xasprintf("[{%s, \"JobRuns\": 1.5}]", tail);
	expect(text, ": row index 0: field 'JobRuns' must be an integer, not "
		     "a fraction");
	free(text);
	text = xasprintf("[{%s, \"JobRuns\": -3}]", tail);
	expect(text, ": row index 0: field 'JobRuns' must not be negative");
	free(text);
	text = xasprintf("[{%s, \"JobRuns\": \"100\"}]", tail);
	expect(text, ": row index 0: field 'JobRuns' must be an integer, not "
		     "a string");
	free(text);
}

static void test_missing_file(void **state)
{
	struct hist_set s;

	(void)state;
	hist_set_init(&s, HIST_DISRUPTIONS);
	assert_int_equal(percentiles_read("/nonexistent/q.json", &s), -1);
	assert_string_equal(err_msg(), "cannot open '/nonexistent/q.json': No "
				       "such file or directory");
	hist_set_release(&s);
}

static void test_time_text(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"2024-05-01T12:34:56Z", "2024-05-01T12:34:56Z"},
		{"2024-05-01T12:34:56.000Z", "2024-05-01T12:34:56Z"},
		{"2024-05-01T12:34:56.120+00:00", "2024-05-01T12:34:56.12Z"},
		{"2024-05-01T12:34:56.123456789-05:30",
		 "2024-05-01T12:34:56.123456789-05:30"},
		{"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
	};
	static const char *const bad[] = {"2024-05-01",
					  "2024-05-01 12:34:56Z",
					  "2024-05-01t12:34:56Z",
					  "2024-05-01T12:34:56z",
					  "2024-05-01T12:34:56",
					  "2023-02-29T00:00:00Z",
					  "2024-05-01T24:00:00Z",
					  "2024-05-01T12:34:60Z",
					  "2024-05-01T12:34:56.Z",
					  "2024-05-01T12:34:56.1234567890Z",
					  "2024-05-01T12:34:56+0200"};
	char out[40];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(percentiles_time_text(good[i].in, out), 0);
		assert_string_equal(out, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(percentiles_time_text(bad[i], out), -1);
}

static void test_run_files(void **state)
{
	char *a = temp_file(
		"{\"Release\": \"4.16\", \"FromRelease\": \"\", \"Platform\": "
		"\"aws\", \"Architecture\": \"amd64\", \"Network\": \"ovn\", "
		"\"Topology\": \"ha\", \"Alerts\": [{\"Name\": \"A\", "
		"\"Namespace\": \"ns\", \"Level\": \"Warning\", "
		"\"AlertSeconds\": 1.2345}]}");
	char *b = temp_file(
		"{\"Release\": \"4.16\", \"FromRelease\": \"\", \"Platform\": "
		"\"gcp\", \"Architecture\": \"amd64\", \"Network\": \"ovn\", "
		"\"Topology\": \"ha\", \"Alerts\": []}");
	char *c = temp_file(
		"{\"Release\": \"4.16\", \"FromRelease\": \"\", \"Platform\": "
		"\"aws\", \"Architecture\": \"amd64\", \"Network\": \"ovn\", "
		"\"Topology\": \"ha\", \"Alerts\": [{\"Name\": \"B\", \"Level\": "
		"\"Info\", \"AlertSeconds\": 0}, {\"Name\": \"A\", "
		"\"Namespace\": \"ns\", \"Level\": \"Warning\", "
		"\"AlertSeconds\": -1}]}");
	struct runhistory rh;
	char *want;

	(void)state;
	runhistory_init(&rh, HIST_ALERTS);
	assert_int_equal(runhistory_read(&rh, a), 0);
	assert_int_equal(rh.count, 1);
	assert_int_equal(rh.samples[0].ms, 1235);
	assert_int_equal(runhistory_read(&rh, b), -1);
	want = xasprintf("'%s': field 'Platform' differs from the run's "
			 "earlier file",
			 b);
	assert_string_equal(err_msg(), want);
	free(want);
	assert_int_equal(runhistory_read(&rh, c), -1);
	want = xasprintf("'%s': Alerts index 1: field 'AlertSeconds' must be "
			 "from 0 to 10^9 seconds",
			 c);
	assert_string_equal(err_msg(), want);
	free(want);
	runhistory_release(&rh);

	runhistory_init(&rh, HIST_ALERTS);
	assert_int_equal(runhistory_read(&rh, a), 0);
	assert_int_equal(runhistory_read(&rh, a), -1);
	want = xasprintf("'%s': Alerts index 0: 'A' is given twice for this "
			 "run",
			 a);
	assert_string_equal(err_msg(), want);
	free(want);
	runhistory_release(&rh);
	runhistory_init(&rh, HIST_DISRUPTIONS);
	assert_int_equal(runhistory_read(&rh, a), -1);
	want = xasprintf("'%s': field 'BackendDisruptions' must be an array "
			 "of rows or an object (the original's "
			 "backend-disruption artifact)",
			 a);
	assert_string_equal(err_msg(), want);
	free(want);
	runhistory_release(&rh);
	unlink(a);
	unlink(b);
	unlink(c);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_bad_job_runs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_time_text),
		cmocka_unit_test(test_run_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
