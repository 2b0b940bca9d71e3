/*
 * jobs.c - jobs prime and jobs list: the CI jobs testpump judges, with
 * their variants (the original's prime-job-table and JobsWithVariants).
 */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/catalog.h"
#include "core/banned.h"

/* A parsed jobs file: the jobs and all their variants, borrowed from doc. */
struct job_file {
	json_t *doc;
	const char **names;
	struct catalog_variant *variants;
	size_t *first, *count; /* each job's slice of variants */
	size_t njobs, nvariants;
};

static void job_file_release(struct job_file *f)
{
	json_decref(f->doc);
	free(f->names);
	free(f->variants);
	free(f->first);
	free(f->count);
}

static int read_entry(const char *path, size_t i, const json_t *e,
		      struct job_file *f)
{
	const json_t *name = json_object_get(e, "name");
	const json_t *vars = json_object_get(e, "variants"), *val;
	const char *key;

	if (!json_is_object(e))
		return err_set("jobs file '%s', entry %zu: not an object", path,
			       i);
	if (!json_is_string(name) || !*json_string_value(name))
		return err_set("jobs file '%s', entry %zu: 'name' must be a "
			       "non-empty string",
			       path, i);
	if (vars && !json_is_object(vars))
		return err_set("jobs file '%s', entry %zu: 'variants' must be "
			       "an object of strings",
			       path, i);
	f->names[i] = json_string_value(name);
	f->first[i] = f->nvariants;
	json_object_foreach ((json_t *)vars, key, val) {
		if (!json_is_string(val) || !*key)
			return err_set("jobs file '%s', entry %zu: variant "
				       "'%s' must be a string",
				       path, i, key);
		f->variants = xrealloc(
			f->variants, (f->nvariants + 1) * sizeof(*f->variants));
		f->variants[f->nvariants++] =
			(struct catalog_variant){key, json_string_value(val)};
	}
	f->count[i] = f->nvariants - f->first[i];
	return 0;
}

static int read_jobs_file(const char *path, struct job_file *f)
{
	json_error_t e;
	const json_t *entry;
	size_t i;

	f->doc = json_load_file(path, 0, &e);
	if (!f->doc)
		return err_set("jobs file '%s', line %d: %s", path, e.line,
			       e.text);
	if (!json_is_array(f->doc))
		return err_set("jobs file '%s' must be a JSON list of "
			       "{\"name\", \"variants\"}",
			       path);
	f->njobs = json_array_size(f->doc);
	f->names = xcalloc(f->njobs + 1, sizeof(*f->names));
	f->first = xcalloc(f->njobs + 1, sizeof(size_t));
	f->count = xcalloc(f->njobs + 1, sizeof(size_t));
	json_array_foreach (f->doc, i, entry)
		if (read_entry(path, i, entry, f) < 0)
			return -1;
	return 0;
}

/* Primes the jobs in one transaction; counts what changed. */
static int prime(struct store *st, const struct job_file *f, int *created,
		 int *variants)
{
	struct catalog_counts c;

	if (store_begin(st) < 0)
		return -1;
	for (size_t i = 0; i < f->njobs; i++) {
		if (catalog_upsert_job(st, f->names[i],
				       f->variants + f->first[i], f->count[i],
				       &c) < 0) {
			store_rollback(st);
			return err_prefix("job '%s'", f->names[i]);
		}
		*created += c.created;
		*variants += c.variants_set;
	}
	return store_commit(st);
}

/* In a dry run: how many of the jobs are new. */
static int count_new(struct store *st, const struct job_file *f, int *created)
{
	for (size_t i = 0; i < f->njobs; i++) {
		struct store_value v = STORE_TEXT_V(f->names[i]);
		int64_t n;

		if (store_query_int(st,
				    "SELECT count(*) FROM job WHERE name = ?",
				    &v, 1, &n) < 0)
			return -1;
		*created += !n;
	}
	return 0;
}

static void describe_prime(json_t *resp, const char *path, size_t jobs,
			   int created, int variants, int dry_run)
{
	json_object_set_new(resp, "file", json_string(path));
	json_object_set_new(resp, "jobs", json_integer((json_int_t)jobs));
	json_object_set_new(resp, "created", json_integer(created));
	json_object_set_new(resp, "variants_set", json_integer(variants));
	json_object_set_new(resp, "dry_run", json_boolean(dry_run));
}

static int jobs_prime(struct request *req, json_t *resp)
{
	struct job_file f = {0};
	const char *path = request_str(req, "file");
	int created = 0, variants = 0, rc = -1;
	struct store *st;

	if (read_jobs_file(path, &f) < 0 || request_store_current(req, &st) < 0)
		goto out;
	if (req->env->dry_run ? count_new(st, &f, &created) < 0
			      : prime(st, &f, &created, &variants) < 0)
		goto out;
	if (req->env->dry_run)
		log_info("dry run: would prime %zu jobs (%d new)", f.njobs,
			 created);
	describe_prime(resp, path, f.njobs, created, variants,
		       req->env->dry_run);
	rc = API_EXIT_OK;
out:
	job_file_release(&f);
	return rc;
}

static void prime_mock(const struct request *req, json_t *resp)
{
	(void)req;
	describe_prime(resp, "jobs.json", 3, 1, 5, 0);
}

static int on_job(const struct store_row *row, void *ctx)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(row->cols[0].s));
	json_object_set_new(o, "variants",
			    json_string(row->cols[1].s ? row->cols[1].s : ""));
	json_object_set_new(o, "runs", json_integer(row->cols[2].i));
	json_object_set_new(o, "last_run_at",
			    row->cols[3].s ? json_string(row->cols[3].s)
					   : json_null());
	json_array_append_new(ctx, o);
	return 0;
}

static int jobs_list(struct request *req, json_t *resp)
{
	const json_t *filter = request_list(req, "variant"), *f;
	struct catalog_variant *v =
		xcalloc(json_array_size(filter) + 1, sizeof(*v));
	char **keys = xcalloc(json_array_size(filter) + 1, sizeof(char *));
	json_t *jobs = json_array();
	struct store *st;
	size_t i;
	int rc = -1;

	json_array_foreach (filter, i, f) {
		const char *kv = json_string_value(f), *eq = strchr(kv, '=');

		keys[i] = xstrndup(kv, (size_t)(eq - kv));
		v[i] = (struct catalog_variant){keys[i], eq + 1};
	}
	if (request_store_current(req, &st) < 0 ||
	    catalog_list_jobs(st, v, json_array_size(filter), on_job, jobs) < 0)
		goto out;
	json_object_set(resp, "jobs", jobs);
	rc = API_EXIT_OK;
out:
	for (i = 0; i < json_array_size(filter); i++)
		free(keys[i]);
	free(keys);
	free(v);
	json_decref(jobs);
	return rc;
}

static void list_mock(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(
		resp, "jobs",
		json_pack("[{s:s, s:s, s:i, s:s}, {s:s, s:s, s:i, s:n}]",
			  "name", "periodic-ci-e2e-aws", "variants",
			  "architecture=amd64, network=ovn, platform=aws, "
			  "release=4.16, topology=ha",
			  "runs", 210, "last_run_at", "2024-05-01T12:34:56Z",
			  "name", "periodic-ci-e2e-gcp-single", "variants",
			  "platform=gcp, topology=single", "runs", 0,
			  "last_run_at"));
}

const struct command cmd_jobs_prime = {
	.name = "jobs prime",
	.summary = "declare CI jobs and their variants",
	.description =
		"Reads FILE, a JSON list of jobs: [{\"name\": "
		"\"periodic-ci-e2e-aws\", \"variants\": {\"platform\": "
		"\"aws\", \"architecture\": \"amd64\", \"network\": \"ovn\", "
		"\"topology\": \"ha\", \"release\": \"4.16\"}}, ...]. Each job "
		"is created when missing and each variant given is set; "
		"variants not given are kept, so priming twice changes "
		"nothing. All jobs are written in one transaction; a bad "
		"entry (named by its index) leaves the store as it was. The "
		"job's topology variant \"single\" turns the disruption checks "
		"of 'testpump aggregate' off.",
	.options =
		(const struct opt_spec[]){
			{"file", OPT_PATH,
			 OPT_POSITIONAL | OPT_REQUIRED | OPT_EXISTS, "FILE",
			 "JSON list of {\"name\", \"variants\"}", NULL, 0, 0,
			 NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"file", RESP_STRING, 0, "the file read"},
			{"jobs", RESP_INT, 0, "jobs in the file"},
			{"created", RESP_INT, 0, "jobs that were new"},
			{"variants_set", RESP_INT, 0,
			 "variants added or changed"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{0},
		},
	.handler = jobs_prime,
	.mock_success = prime_mock,
};

const struct command cmd_jobs_list = {
	.name = "jobs list",
	.summary = "list the CI jobs with their variants and runs",
	.description =
		"Lists every job in the store (primed or ingested), in name "
		"order, with its variants as key=value pairs, its number of "
		"runs and when the last one started. --variant KEY=VALUE "
		"(repeatable) keeps the jobs with that variant.",
	.options =
		(const struct opt_spec[]){
			{"variant", OPT_KEYVALUE, OPT_MULTI, "KEY=VALUE",
			 "only jobs with this variant (platform=aws)", NULL, 0,
			 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"jobs", RESP_ARRAY, 0,
			 "{name, variants, runs, last_run_at}"},
			{0},
		},
	.rows_key = "jobs",
	.handler = jobs_list,
	.mock_success = list_mock,
};
