/*
 * releases.c - releases add and releases list: releases, the release each
 * follows, and the payload tags that belong to them (the original's
 * create-releases).
 */
#include <stdlib.h>

#include "commands/commands.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/catalog.h"
#include "core/banned.h"

static void describe_add(json_t *resp, const char *name, const char *previous,
			 json_t *payloads, const struct catalog_counts *c,
			 int dry_run)
{
	json_object_set_new(resp, "release", json_string(name));
	json_object_set_new(resp, "previous",
			    previous ? json_string(previous) : json_null());
	json_object_set_new(resp, "payloads", payloads);
	json_object_set_new(resp, "created", json_boolean(c->created));
	json_object_set_new(resp, "payloads_linked", json_integer(c->linked));
	json_object_set_new(resp, "dry_run", json_boolean(dry_run));
}

static int releases_add(struct request *req, json_t *resp)
{
	const char *name = request_str(req, "name");
	const char *previous = request_str(req, "previous");
	const json_t *list = request_list(req, "payload"), *p;
	const char **tags = xcalloc(json_array_size(list) + 1, sizeof(char *));
	struct catalog_counts c = {0};
	struct store *st;
	size_t i;
	int rc = -1;

	json_array_foreach (list, i, p)
		tags[i] = json_string_value(p);
	if (request_store_current(req, &st) < 0)
		goto out;
	if (req->env->dry_run)
		log_info("dry run: would add release '%s' with %zu payloads",
			 name, json_array_size(list));
	else if (catalog_upsert_release(st, name, previous, tags,
					json_array_size(list), &c) < 0)
		goto out;
	describe_add(resp, name, previous, json_deep_copy(list), &c,
		     req->env->dry_run);
	rc = API_EXIT_OK;
out:
	free(tags);
	return rc;
}

static void add_mock(const struct request *req, json_t *resp)
{
	struct catalog_counts c = {.created = 1, .linked = 1};

	(void)req;
	describe_add(resp, "4.16", "4.15",
		     json_pack("[s]", "4.16.0-0.nightly-2024-05-01-123456"), &c,
		     0);
}

static int on_release(const struct store_row *row, void *ctx)
{
	json_array_append_new(
		ctx, json_pack("{s:s, s:o, s:I, s:I, s:s}", "name",
			       row->cols[0].s, "previous",
			       row->cols[1].s ? json_string(row->cols[1].s)
					      : json_null(),
			       "payloads", (json_int_t)row->cols[2].i, "runs",
			       (json_int_t)row->cols[3].i, "created_at",
			       row->cols[4].s));
	return 0;
}

static int releases_list(struct request *req, json_t *resp)
{
	json_t *list = json_array();
	struct store *st;

	if (request_store_current(req, &st) < 0 ||
	    catalog_list_releases(st, on_release, list) < 0) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(resp, "releases", list);
	return API_EXIT_OK;
}

static void list_mock(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(
		resp, "releases",
		json_pack("[{s:s, s:n, s:i, s:i, s:s}, {s:s, s:s, s:i, s:i, "
			  "s:s}]",
			  "name", "4.15", "previous", "payloads", 12, "runs",
			  840, "created_at", "2024-02-01T00:00:00Z", "name",
			  "4.16", "previous", "4.15", "payloads", 3, "runs",
			  210, "created_at", "2024-05-01T00:00:00Z"));
}

const struct command cmd_releases_add = {
	.name = "releases add",
	.summary = "declare a release and the payloads that belong to it",
	.description =
		"Creates release NAME when missing; --previous REL (created "
		"when missing) is the release it follows, for comparisons; "
		"each --payload TAG is attached to it (created when missing, "
		"moved from another release otherwise). Adding the same "
		"release twice changes nothing.",
	.options =
		(const struct opt_spec[]){
			{"name", OPT_STRING, OPT_POSITIONAL | OPT_REQUIRED,
			 "NAME", "the release, for example 4.16", NULL, 0, 0,
			 NULL},
			{"previous", OPT_STRING, 0, "REL",
			 "the release this one follows", NULL, 0, 0, NULL},
			{"payload", OPT_STRING, OPT_MULTI, "TAG",
			 "a payload (build) tag of the release", NULL, 0, 0,
			 NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"release", RESP_STRING, 0, "the release"},
			{"previous", RESP_STRING, RESP_NULLABLE,
			 "the release it follows"},
			{"payloads", RESP_ARRAY, 0, "the payload tags given"},
			{"created", RESP_BOOL, 0, "the release was new"},
			{"payloads_linked", RESP_INT, 0,
			 "payloads newly attached"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{0},
		},
	.handler = releases_add,
	.mock_success = add_mock,
};

const struct command cmd_releases_list = {
	.name = "releases list",
	.summary = "list the releases with their payloads and runs",
	.description = "Lists every release in name order with the release it "
		       "follows, its number of payloads and the job runs of "
		       "those payloads.",
	.response =
		(const struct resp_field[]){
			{"releases", RESP_ARRAY, 0,
			 "{name, previous, payloads, runs, created_at}"},
			{0},
		},
	.rows_key = "releases",
	.handler = releases_list,
	.mock_success = list_mock,
};
