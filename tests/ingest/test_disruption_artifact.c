/*
 * test_disruption_artifact.c - the original's backend-disruption
 * artifact files: Go duration strings parsed as time.ParseDuration does,
 * ceil(seconds) per entry summed over a run's files, and the context
 * completed from the job's variants.
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
#include "ingest/runhistory.h"
#include "core/banned.h"

/* A temporary file holding text; the caller unlinks and frees it. */
static char *temp_file(const char *text)
{
	char tmpl[] = "/tmp/test-artifact-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return xstrdup(tmpl);
}

static void test_durations(void **state)
{
	/* What Go's time.Duration.String() writes, and what it parses. */
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{"0", 0},
		{"0s", 0},
		{"+5s", 5000000000},
		{"2.5s", 2500000000},
		{"350ms", 350000000},
		{"1.5\xc2\xb5s", 1500},
		{"1.5\xce\xbcs", 1500},
		{"1.5us", 1500},
		{"7ns", 7},
		{"1m0.001s", 60001000000},
		{"1h2m3.25s", 3723250000000},
		{".5s", 500000000},
		{"5.s", 5000000000},
		{"2562047h47m16.854775807s", INT64_MAX},
		{"0.0000000001s", 0},
	};
	static const char *const bad[] = {
		"",	"-1s",	    "-0s",   "2.5",   "1d",  "s",
		".",	".s",	    "1.5 s", " 1s",   "1s ", "1S",
		"1sec", "2562048h", "1e3s",  "1..5s",
	};
	int64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ns = -1;
		if (runhistory_parse_duration(good[i].text, &ns) < 0)
			fail_msg("'%s' refused", good[i].text);
		if (ns != good[i].ns)
			fail_msg("'%s': %lld ns", good[i].text, (long long)ns);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (runhistory_parse_duration(bad[i], &ns) == 0)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_files_summed(void **state)
{
	char *a = temp_file(
		"{\"BackendDisruptions\": {\"kube-api-new\": {\"Name\": "
		"\"kube-api-new\", \"ConnectionType\": \"New\", "
		"\"DisruptedDuration\": \"2.001s\", \"DisruptionMessages\": "
		"[\"x\"]}, \"quiet\": {\"DisruptedDuration\": \"0s\"}}}");
	char *b = temp_file("{\"Platform\": \"gcp\", \"BackendDisruptions\": "
			    "{\"k\": {\"Name\": \"kube-api-new\", "
			    "\"DisruptedDuration\": \"1ns\"}}}");
	struct hist_context jv = {
		.release = "4.16", .platform = "aws", .topology = "ha"};
	struct runhistory rh;

	(void)state;
	runhistory_init(&rh, HIST_DISRUPTIONS);
	assert_int_equal(runhistory_read(&rh, a), 0);
	assert_int_equal(runhistory_read(&rh, b), 0);
	assert_int_equal(rh.shape, RUNHISTORY_ARTIFACT);
	assert_int_equal(rh.count, 2);
	assert_string_equal(rh.samples[0].name, "kube-api-new");
	assert_int_equal(rh.samples[0].ms, 4000); /* ceil 2.001 + ceil 1ns */
	assert_string_equal(rh.samples[1].name, "quiet");
	assert_int_equal(rh.samples[1].ms, 0);
	assert_int_equal(runhistory_complete_context(&rh, &jv, "j", "1"), 0);
	assert_string_equal(rh.context.release, "4.16");
	assert_string_equal(rh.context.platform, "gcp"); /* the file's */
	assert_string_equal(rh.context.topology, "ha");
	assert_string_equal(rh.context.from_release, "");
	assert_string_equal(rh.context.network, "");
	assert_null(rh.context.master_nodes_updated);
	runhistory_release(&rh);

	/* Neither the files nor the job give a release. */
	runhistory_init(&rh, HIST_DISRUPTIONS);
	assert_int_equal(runhistory_read(&rh, a), 0);
	jv.release = NULL;
	assert_int_equal(runhistory_complete_context(&rh, &jv, "j", "1"), -1);
	assert_non_null(strstr(err_msg(), "jobs prime"));
	runhistory_release(&rh);

	/* One file read twice: its entries add up, as two files would. */
	runhistory_init(&rh, HIST_DISRUPTIONS);
	assert_int_equal(runhistory_read(&rh, a), 0);
	assert_int_equal(runhistory_read(&rh, a), 0);
	assert_int_equal(rh.samples[0].ms, 6000);
	runhistory_release(&rh);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* Reads text as one artifact; checks the message names file and field. */
static void expect_error(const char *text, const char *want)
{
	char *path = temp_file(text), *full = xasprintf("'%s'%s", path, want);
	struct runhistory rh;

	runhistory_init(&rh, HIST_DISRUPTIONS);
	assert_int_equal(runhistory_read(&rh, path), -1);
	assert_string_equal(err_msg(), full);
	runhistory_release(&rh);
	unlink(path);
	free(path);
	free(full);
}

static void test_bad_entries(void **state)
{
	(void)state;
	expect_error("{\"BackendDisruptions\": {\"b\": {\"Name\": \"b\", "
		     "\"DisruptedDuration\": \"2.5\"}}}",
		     ": BackendDisruptions 'b': field 'DisruptedDuration' is "
		     "not a duration such as \"2.5s\" or \"1m3s\" (not "
		     "negative): '2.5'");
	expect_error("{\"BackendDisruptions\": {\"b\": {\"DisruptedDuration\": "
		     "2500000000}}}",
		     ": BackendDisruptions 'b': field 'DisruptedDuration' must "
		     "be a duration string such as \"2.5s\" or \"1m3s\"");
	expect_error("{\"BackendDisruptions\": {\"b\": {\"Name\": \"b\"}}}",
		     ": BackendDisruptions 'b': field 'DisruptedDuration' is "
		     "missing");
	expect_error(
		"{\"BackendDisruptions\": {\"\": {\"DisruptedDuration\": "
		"\"1s\"}}}",
		": BackendDisruptions '': field 'Name' is missing or empty");
	expect_error("{\"BackendDisruptions\": {\"a\": {\"Name\": \"x\", "
		     "\"DisruptedDuration\": \"1s\"}, \"b\": {\"Name\": \"x\", "
		     "\"DisruptedDuration\": \"1s\"}}}",
		     ": BackendDisruptions 'b': backend 'x' is given twice in "
		     "this file");
	expect_error("{\"Release\": \"\", \"BackendDisruptions\": {}}",
		     ": field 'Release' is empty");
	expect_error(
		"{\"MasterNodesUpdated\": \"yes\", \"BackendDisruptions\": "
		"{}}",
		": field 'MasterNodesUpdated' must be \"Y\", \"N\" or null, "
		"not 'yes'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_files_summed),
		cmocka_unit_test(test_bad_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
