/*
 * export_html.c - export html DIR: the dashboard as static files.
 *
 * Every page of web_pages[] is rendered as `serve` renders it, with
 * relative links ending in .html, and written to DIR/<file>; the assets
 * go to DIR/static/.  Each file is written whole or not at all
 * (core/atomicfile.h), so the folder opens from file:// and as a CI
 * artifact.  A page that cannot be rendered is listed with its error and
 * the others are still written (exit 3).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "commands/commands.h"
#include "core/atomicfile.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "web/pages.h"
#include "core/banned.h"

/* Creates dir unless it exists (its parent must). */
static int make_dir(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (errno == EEXIST)
		return err_set("'%s' exists and is not a directory", dir);
	return err_set("cannot create directory '%s': %s", dir,
		       strerror(errno));
}

/* Writes one file (or, in a dry run, says it would) and lists it. */
static int put(const struct request *req, const char *dir, const char *name,
	       const char *data, size_t len, json_t *files)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	buf_addf(&path, "%s/%s", dir, name);
	if (req->env->dry_run)
		log_info("would write '%s' (%zu bytes)", path.data, len);
	else
		rc = atomicfile_write(path.data, data, len, ATOMICFILE_REPLACE);
	if (rc == 0)
		json_array_append_new(files, json_string(path.data));
	buf_release(&path);
	return rc;
}

static void failed_page(json_t *failed, const char *file, const char *msg)
{
	json_array_append_new(
		failed, json_pack("{s:s, s:s}", "file", file, "error", msg));
}

static int export_pages(struct request *req, const char *dir, json_t *files,
			json_t *failed)
{
	struct web_context ctx = {req->env, 1};
	struct web_args args = {0};

	for (size_t i = 0; web_pages[i].path; i++) {
		struct buf out = BUF_INIT;
		int status;

		err_clear();
		status = web_pages[i].render(&ctx, &args, &out);
		if (status < 0)
			failed_page(failed, web_pages[i].file, err_msg());
		else if (put(req, dir, web_pages[i].file, out.data, out.len,
			     files) < 0) {
			buf_release(&out);
			return -1;
		}
		buf_release(&out);
	}
	return 0;
}

static int export_html(struct request *req, json_t *resp)
{
	const char *dir = request_str(req, "dir");
	json_t *files = json_array(), *failed = json_array();
	struct buf sdir = BUF_INIT;
	int rc = -1;

	buf_addf(&sdir, "%s/static", dir);
	if (!req->env->dry_run &&
	    (make_dir(dir) < 0 || make_dir(sdir.data) < 0))
		goto out;
	if (export_pages(req, dir, files, failed) < 0)
		goto out;
	for (size_t i = 0; web_assets[i].path; i++)
		if (put(req, dir, web_assets[i].path + 1, web_assets[i].data,
			web_assets[i].len, files) < 0)
			goto out;
	json_object_set_new(resp, "dir", json_string(dir));
	json_object_set_new(resp, "files", json_incref(files));
	json_object_set_new(resp, "failed", json_incref(failed));
	json_object_set_new(resp, "dry_run", json_boolean(req->env->dry_run));
	rc = json_array_size(failed) ? API_EXIT_INCOMPLETE : API_EXIT_OK;
out:
	buf_release(&sdir);
	json_decref(files);
	json_decref(failed);
	return rc;
}

static void mock(json_t *resp, int fail)
{
	json_object_set_new(resp, "dir", json_string("dashboard"));
	json_object_set_new(resp, "files",
			    json_pack("[s, s, s, s]", "dashboard/index.html",
				      "dashboard/coverage.html",
				      "dashboard/static/app.js",
				      "dashboard/static/style.css"));
	json_object_set_new(resp, "failed",
			    fail ? json_pack("[{s:s, s:s}]", "file",
					     "history.html", "error",
					     "database 'testpump.db' is "
					     "locked")
				 : json_array());
	json_object_set_new(resp, "dry_run", json_false());
}

static void mock_success(const struct request *req, json_t *resp)
{
	(void)req;
	mock(resp, 0);
}

static void mock_failure(const struct request *req, json_t *resp)
{
	(void)req;
	mock(resp, 1);
}

const struct command cmd_export_html = {
	.name = "export html",
	.summary = "write the dashboard as static HTML files",
	.description =
		"Writes every dashboard page that 'testpump serve' shows "
		"(overview, test-case coverage, test runs, issue regressions, "
		"payload aggregation, test history, flaky tests, historical "
		"comparisons) to DIR as <page>.html, with its charts as "
		"inline SVG, and the stylesheet and script to DIR/static. "
		"Links between pages are relative, so the folder opens from "
		"the file system or as a CI artifact. Each file is written "
		"whole or not at all; DIR is created if missing (its parent "
		"must exist). A page that cannot be read is listed under "
		"failed, the others are written, and the exit is 3.",
	.options =
		(const struct opt_spec[]){
			{"dir", OPT_PATH, OPT_POSITIONAL | OPT_REQUIRED, "DIR",
			 "the folder to write the pages to", NULL, 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"dir", RESP_STRING, 0, "the folder written"},
			{"files", RESP_ARRAY, 0,
			 "the files written (would be, in a dry run)"},
			{"failed", RESP_ARRAY, 0,
			 "{file, error} of pages that could not be rendered"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{0},
		},
	.rows_key = "files",
	.handler = export_html,
	.mock_success = mock_success,
	.mock_failure = mock_failure,
	.mock_failure_exit = API_EXIT_INCOMPLETE,
};
