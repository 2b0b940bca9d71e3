/*
 * ingest_junit.c - ingest junit: JUnit XML of one CI job run into the store.
 *
 * Every file of the run is parsed by ingest/junit.c and streamed into one
 * transaction by store/runs.c, so the run appears whole or not at all.
 * With --keep-going, each file is first checked on its own; the bad ones
 * are listed and left out, the good ones stored, and the exit is 3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/commands.h"
#include "commands/ingest_junit.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "ingest/junit.h"
#include "ingest/paths.h"
#include "store/runs.h"
#include "core/banned.h"

static const char *const junit_suffixes[] = {".xml", ".xml.gz", NULL};

/* What one ingest carries between the parser's callbacks. */
struct ingest {
	struct run_writer *writer;
	const char *file;
};

static int on_attempt(const struct junit_attempt *a, void *ctx)
{
	struct ingest *in = ctx;
	struct run_attempt r = {
		.suite = a->suite,
		.classname = a->classname,
		.name = a->name,
		.status = (enum result_status)a->status,
		.retried = a->retry > 0,
		.flaky = a->flaky,
		.informing = a->lifecycle_informing,
		.duration_ms = a->duration_ms,
		.timestamp_ms = a->timestamp_ms,
		.message = {a->message, strlen(a->message)},
		.text = {a->text, a->text_length},
		.out = {a->system_out, a->system_out_length},
		.err = {a->system_err, a->system_err_length},
	};

	return run_writer_attempt(in->writer, &r) < 0 ? -1 : 0;
}

static int on_suite(const struct junit_suite *s, void *ctx)
{
	struct ingest *in = ctx;
	struct run_suite r = {
		.path = s->path,
		.tests = s->tests,
		.hostname = s->hostname,
		.timestamp_ms = s->timestamp_ms,
		.out = {s->system_out, s->system_out_length},
		.err = {s->system_err, s->system_err_length},
	};

	if (s->header_tests >= 0 && s->header_tests != s->tests)
		log_info("%s: suite '%s' says tests=\"%lld\" but holds %lld "
			 "testcases; counting the testcases",
			 in->file, s->path, (long long)s->header_tests,
			 (long long)s->tests);
	return run_writer_suite(in->writer, &r) < 0 ? -1 : 0;
}

static json_t *rejection(const struct junit_error *e)
{
	return json_pack("{s:s, s:I, s:I, s:s}", "file", e->file, "line",
			 (json_int_t)e->line, "column", (json_int_t)e->column,
			 "error", e->message);
}

/*
 * Copies standard input to a temporary file, so that --keep-going can
 * read it twice; *path receives the file's name, which the caller
 * unlinks and frees.
 */
static int spool_stdin(char **path)
{
	char tmpl[] = "/tmp/testpump-stdin-XXXXXX";
	char buf[65536];
	int fd = mkstemp(tmpl);
	ssize_t n;

	if (fd < 0)
		return err_set("cannot create a temporary file: %s",
			       strerror(errno));
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			err_set("cannot write '%s': %s", tmpl, strerror(errno));
			goto fail;
		}
	}
	if (n < 0) {
		err_set("cannot read standard input: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	*path = xstrdup(tmpl);
	return 0;
fail:
	close(fd);
	unlink(tmpl);
	return -1;
}

/*
 * With --keep-going: checks each file alone and moves the bad ones out of
 * files into rejected.  Fails when no file is left.
 */
static int screen_files(struct path_list *files, json_t *rejected)
{
	const struct junit_handler count_only = {0};
	size_t kept = 0;

	for (size_t i = 0; i < files->count; i++) {
		struct junit_error e = {0};

		if (junit_parse_path(files->items[i], &count_only, &e) < 0) {
			log_warn("%s", err_msg());
			json_array_append_new(rejected, rejection(&e));
			junit_error_release(&e);
			free(files->items[i]);
			continue;
		}
		files->items[kept++] = files->items[i];
	}
	files->count = kept;
	if (!kept)
		return err_set("every file was rejected; nothing was stored "
			       "(first: %s)",
			       json_string_value(json_object_get(
				       json_array_get(rejected, 0), "error")));
	return 0;
}

static int collect_files(const struct request *req, struct path_list *files,
			 char **stdin_copy)
{
	const json_t *paths = request_list(req, "paths"), *p;
	size_t i, stdin_uses = 0;

	json_array_foreach (paths, i, p) {
		const char *path = json_string_value(p);

		if (!strcmp(path, "-") && stdin_uses++)
			return err_set("standard input ('-') given more than "
				       "once");
		if (paths_collect(files, path, junit_suffixes) < 0)
			return -1;
	}
	if (!stdin_uses || !request_flag(req, "keep-going"))
		return 0;
	if (spool_stdin(stdin_copy) < 0)
		return -1;
	for (i = 0; i < files->count; i++) {
		if (!strcmp(files->items[i], "-")) {
			free(files->items[i]);
			files->items[i] = xstrdup(*stdin_copy);
		}
	}
	return 0;
}

static void describe_counts(const struct request *req,
			    const struct run_counts *c, size_t nfiles,
			    json_t *resp)
{
	char started[TIMESTAMP_MAX];
	const char *payload = request_str(req, "payload");
	const char *release = request_str(req, "release");

	timestamp_format(c->started_at_ms / 1000 * 1000, started);
	json_object_set_new(resp, "job", json_string(request_str(req, "job")));
	json_object_set_new(resp, "run_id",
			    json_string(request_str(req, "run-id")));
	json_object_set_new(resp, "payload",
			    payload ? json_string(payload) : json_null());
	json_object_set_new(resp, "release",
			    release ? json_string(release) : json_null());
	json_object_set_new(resp, "files", json_integer((json_int_t)nfiles));
	json_object_set_new(resp, "suites", json_integer(c->suites));
	json_object_set_new(resp, "tests", json_integer(c->tests));
	json_object_set_new(resp, "statuses",
			    json_pack("{s:I, s:I, s:I, s:I}", "pass",
				      c->statuses[RUN_STATUS_PASS], "fail",
				      c->statuses[RUN_STATUS_FAIL], "flaky",
				      c->statuses[RUN_STATUS_FLAKY], "skip",
				      c->statuses[RUN_STATUS_SKIP]));
	json_object_set_new(resp, "attempts",
			    json_pack("{s:I, s:I, s:I, s:I}", "pass",
				      c->attempts[RESULT_PASS], "fail",
				      c->attempts[RESULT_FAIL], "error",
				      c->attempts[RESULT_ERROR], "skip",
				      c->attempts[RESULT_SKIP]));
	json_object_set_new(resp, "duration_s",
			    json_real((double)c->duration_ms / 1000.0));
	json_object_set_new(resp, "run_status",
			    json_string(!c->tests ? "unknown"
					: c->worst == RUN_STATUS_FAIL
						? "fail"
						: "pass"));
	json_object_set_new(resp, "started_at", json_string(started));
	json_object_set_new(resp, "replaced", json_boolean(c->replaced));
	json_object_set_new(resp, "dry_run", json_boolean(req->env->dry_run));
}

int ingest_junit_files(const struct path_list *files, struct run_writer *w)
{
	struct ingest in = {.writer = w};
	struct junit_handler h = {on_attempt, on_suite, &in};

	for (size_t i = 0; i < files->count; i++) {
		in.file = files->items[i];
		if (junit_parse_path(files->items[i], &h, NULL) != 0)
			return err_set("%s (nothing of the run was stored)",
				       err_msg());
	}
	return 0;
}

/* The database, or NULL in a dry run where there is none yet. */
static int open_store(struct request *req, struct store **st)
{
	int exists;

	*st = NULL;
	if (req->env->dry_run) {
		if (store_exists(req->db_url, &exists) < 0)
			return -1;
		if (!exists)
			return 0;
	}
	return request_store_current(req, st);
}

static int ingest_junit(struct request *req, json_t *resp)
{
	struct path_list files = PATH_LIST_INIT;
	json_t *rejected = json_array();
	const json_t *variants = request_list(req, "variant"), *v;
	const char **variant_list = NULL;
	char *stdin_copy = NULL;
	struct run_writer *w = NULL;
	struct run_counts counts;
	struct store *st;
	struct run_info info = {
		.job = request_str(req, "job"),
		.run_id = request_str(req, "run-id"),
		.payload = request_str(req, "payload"),
		.release = request_str(req, "release"),
		.url = request_str(req, "url"),
		.started_at_ms = -1,
		.dry_run = req->env->dry_run,
	};
	size_t i;
	int rc = -1;

	if (request_str(req, "started-at") &&
	    timestamp_parse(request_str(req, "started-at"),
			    &info.started_at_ms) < 0)
		goto out;
	variant_list = xcalloc(json_array_size(variants) + 1, sizeof(char *));
	json_array_foreach (variants, i, v)
		variant_list[i] = json_string_value(v);
	info.variants = variant_list;
	info.nvariants = json_array_size(variants);

	if (collect_files(req, &files, &stdin_copy) < 0 ||
	    (request_flag(req, "keep-going") &&
	     screen_files(&files, rejected) < 0) ||
	    open_store(req, &st) < 0 || run_writer_begin(st, &info, &w) < 0)
		goto out;
	if (ingest_junit_files(&files, w) < 0) {
		run_writer_abort(w);
		goto out;
	}
	if (run_writer_commit(w, &counts) < 0)
		goto out;
	describe_counts(req, &counts, files.count, resp);
	json_object_set(resp, "rejected_files", rejected);
	rc = json_array_size(rejected) ? API_EXIT_INCOMPLETE : API_EXIT_OK;
out:
	if (stdin_copy) {
		unlink(stdin_copy);
		free(stdin_copy);
	}
	free(variant_list);
	json_decref(rejected);
	paths_release(&files);
	return rc;
}

static int ingest_check(const struct request *req)
{
	if (request_str(req, "release") && !request_str(req, "payload"))
		return err_set("option '--release' names the release of "
			       "'--payload', which is missing");
	return 0;
}

static void mock_counts(const struct request *req, json_t *resp,
			int with_rejection)
{
	struct run_counts c = {
		.tests = 250,
		.suites = 12,
		.attempts = {243, 4, 2, 3},
		.statuses = {240, 5, 2, 3},
		.duration_ms = 12500,
		.started_at_ms = 1714566896000,
		.worst = RUN_STATUS_FAIL,
	};
	const struct request mock = {
		.options = json_pack("{s:s, s:s, s:s}", "job",
				     "periodic-ci-e2e-aws", "run-id",
				     "1785000000000000001", "payload",
				     "4.16.0-0.nightly-2024-05-01-123456"),
		.env = req->env};

	describe_counts(&mock, &c, 3, resp);
	json_decref(mock.options);
	json_object_set_new(
		resp, "rejected_files",
		with_rejection ? json_pack("[{s:s, s:i, s:i, s:s}]", "file",
					   "artifacts/junit_e2e_broken.xml",
					   "line", 3, "column", 7, "error",
					   "not well-formed (invalid token)")
			       : json_array());
}

static void mock_success(const struct request *req, json_t *resp)
{
	mock_counts(req, resp, 0);
}

static void mock_failure(const struct request *req, json_t *resp)
{
	mock_counts(req, resp, 1);
}

const struct command cmd_ingest_junit = {
	.name = "ingest junit",
	.summary = "load the JUnit XML of one CI job run into the store",
	.description =
		"Reads JUnit XML files, directories (recursively: *.xml and "
		"*.xml.gz) or standard input ('-') of one run of one CI job, "
		"from any producer (Surefire, Gradle, pytest, Go, Jest, "
		"CTest, GoogleTest, Bazel, Flank, ...), and stores every "
		"testcase attempt, retries kept. Each test gets a run status: "
		"pass, fail, flaky (passed and failed within the run) or "
		"skip. The run is written in one transaction: ingesting the "
		"same --job and --run-id again replaces it, and a malformed "
		"file leaves the store as it was (with --keep-going, the good "
		"files are stored, the bad ones listed, and the exit is 3).",
	.options =
		(const struct opt_spec[]){
			{"paths", OPT_PATH,
			 OPT_POSITIONAL | OPT_MULTI | OPT_REQUIRED | OPT_EXISTS,
			 "PATH", "JUnit files, directories, or - for stdin",
			 NULL, 0, 0, NULL},
			{"job", OPT_STRING, OPT_REQUIRED, "J",
			 "the CI job the run belongs to", NULL, 0, 0, NULL},
			{"run-id", OPT_STRING, OPT_REQUIRED, "R",
			 "the CI's id of the run", NULL, 0, 0, NULL},
			{"payload", OPT_STRING, 0, "P",
			 "the payload (build) the run tested", NULL, 0, 0,
			 NULL},
			{"release", OPT_STRING, 0, "REL",
			 "the release of the payload", NULL, 0, 0, NULL},
			{"started-at", OPT_TIME, 0, "T",
			 "when the run started (default: the earliest JUnit "
			 "timestamp, else now)",
			 NULL, 0, 0, NULL},
			{"variant", OPT_KEYVALUE, OPT_MULTI, "KEY=VALUE",
			 "a variant of the job (platform=aws)", NULL, 0, 0,
			 NULL},
			{"url", OPT_STRING, 0, "URL",
			 "where a person can see the run", NULL, 0, 0, NULL},
			{"keep-going", OPT_FLAG, 0, NULL,
			 "store the good files when some are malformed "
			 "(exit 3)",
			 NULL, 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"job", RESP_STRING, 0, "the job"},
			{"run_id", RESP_STRING, 0, "the run"},
			{"payload", RESP_STRING, RESP_NULLABLE, "the payload"},
			{"release", RESP_STRING, RESP_NULLABLE, "its release"},
			{"files", RESP_INT, 0, "files stored"},
			{"suites", RESP_INT, 0, "testsuite elements"},
			{"tests", RESP_INT, 0, "distinct tests"},
			{"statuses", RESP_OBJECT, 0,
			 "tests by run status: pass, fail, flaky, skip"},
			{"attempts", RESP_OBJECT, 0,
			 "attempts by status: pass, fail, error, skip"},
			{"duration_s", RESP_NUMBER, 0,
			 "sum of the reported test times"},
			{"run_status", RESP_STRING, 0,
			 "pass, fail (a blocking test failed) or unknown"},
			{"started_at", RESP_STRING, 0, "when the run started"},
			{"replaced", RESP_BOOL, 0,
			 "an earlier ingest of the run was replaced"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{"rejected_files", RESP_ARRAY, 0,
			 "with --keep-going: {file, line, column, error}"},
			{0},
		},
	.handler = ingest_junit,
	.check = ingest_check,
	.mock_success = mock_success,
	.mock_failure = mock_failure,
	.mock_failure_exit = API_EXIT_INCOMPLETE,
};
