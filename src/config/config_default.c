/*
 * config_default.c - the built-in configuration, as data.
 *
 * The projects are the seed's Mozilla mobile projects (testops-dashboard's
 * `--project` choices) with the TestRail project ids its `projects` table
 * was seeded with (reference/seed-systems.md 1.2).  The GitHub repositories
 * are where the apps' code moved (fenix and focus-android into
 * firefox-android, focus-ios into firefox-ios); the seed-era dashboard
 * searched repo:mozilla-mobile/<project>.  The Bugzilla products,
 * components and GitHub labels of issue-regression are in
 * default_issues[]; the CI places are in default_ci[].  The
 * credential names are the seed's where it had them (DESIGN.md).
 */
#include "config/config.h"

#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

/* The most list items a row of the table below can name. */
#define DEFAULT_LIST_MAX 4

struct default_project {
	const char *name;
	int64_t testrail_project_id;
	const char *github_repo;
	const char *bugzilla_products[DEFAULT_LIST_MAX]; /* NULL-terminated */
};

static const struct default_project default_projects[] = {
	{"fenix", 59, "mozilla-mobile/firefox-android", {NULL}},
	{"focus-android", 48, "mozilla-mobile/firefox-android", {NULL}},
	{"reference-browser", 58, "mozilla-mobile/reference-browser", {NULL}},
	{"firefox-ios", 14, "mozilla-mobile/firefox-ios", {NULL}},
	{"focus-ios", 27, "mozilla-mobile/firefox-ios", {NULL}},
};

/*
 * Where each project's CI builds are read (pump --report-type ci-builds):
 * the Android apps build on Taskcluster (Firefox CI), indexed per push
 * under these namespaces; the iOS apps build on Bitrise (these app slugs
 * are the faux upstream's: set the real ones in a config file).
 */
static const struct {
	const char *name, *taskcluster_index, *bitrise_app;
} default_ci[] = {
	{"fenix", "mobile.v3.firefox-android.fenix.pushes", NULL},
	{"focus-android", "mobile.v3.firefox-android.focus.pushes", NULL},
	{"reference-browser", "mobile.v2.reference-browser.pushes", NULL},
	{"firefox-ios", NULL, "6c06d3a40422d10f"},
	{"focus-ios", NULL, "a2e9b1c7d3f4e605"},
};

/*
 * What issue-regression reads per project: bugzilla.mozilla.org's
 * products (and components; none: all of them) with the regression
 * keyword, and the GitHub issues with any of these labels.
 */
static const struct {
	const char *name;
	const char *products[DEFAULT_LIST_MAX];
	const char *components[DEFAULT_LIST_MAX];
	const char *labels[DEFAULT_LIST_MAX];
} default_issues[] = {
	{"fenix", {"Firefox for Android"}, {NULL}, {"regression"}},
	{"focus-android", {"Focus"}, {"General", "Privacy"}, {"regression"}},
	{"reference-browser", {NULL}, {NULL}, {"regression", "crash"}},
	{"firefox-ios",
	 {"Firefox for iOS"},
	 {"General", "Browser", "Tabs"},
	 {"regression", "crash"}},
	{"focus-ios", {NULL}, {NULL}, {"regression"}},
};

/* openshift/ci-tools job-run-aggregator's production values. */
static const struct config_aggregation default_aggregation = {
	.min_attempts = 6,
	.pity = 2,
	.corpus = 250,
	.history_runs = 200,
	.history_days = 21,
	.alpha = 0.05,
	.no_history_percent = 70,
	.failed_history_percent = 99,
};

static const char default_listen[] = "127.0.0.1:8080";

const struct config_credential config_credentials[] = {
	{"TESTRAIL_HOST", 0, "TestRail base URL"},
	{"TESTRAIL_USERNAME", 0, "TestRail user name"},
	{"TESTRAIL_PASSWORD", 1, "TestRail password or API key"},
	{"BUGZILLA_HOST", 0, "Bugzilla base URL"},
	{"BUGZILLA_API_KEY", 1, "Bugzilla API key"},
	{"GITHUB_TOKEN", 1, "GitHub token"},
	{"GITHUB_API_URL", 0, "GitHub API base URL"},
	{"TASKCLUSTER_ROOT_URL", 0, "Taskcluster root URL"},
	{"TASKCLUSTER_CLIENT_ID", 0, "Taskcluster client id"},
	{"TASKCLUSTER_ACCESS_TOKEN", 1, "Taskcluster access token"},
	{"BITRISE_TOKEN", 1, "Bitrise API token"},
	{"BITRISE_APP_SLUG", 0, "Bitrise app slug"},
	{"PGPASSWORD", 1, "PostgreSQL password"},
	{NULL, 0, NULL},
};

void config_init(struct config *cfg)
{
	size_t i, j;

	memset(cfg, 0, sizeof(*cfg));
	cfg->server_listen = xstrdup(default_listen);
	cfg->aggregation = default_aggregation;
	for (i = 0; i < ARRAY_SIZE(default_projects); i++) {
		const struct default_project *row = &default_projects[i];
		struct config_project *p = config_project_add(cfg, row->name);

		p->testrail_project_id = row->testrail_project_id;
		if (row->github_repo)
			p->github_repo = xstrdup(row->github_repo);
		for (j = 0; j < DEFAULT_LIST_MAX && row->bugzilla_products[j];
		     j++)
			config_list_add(&p->bugzilla_products,
					row->bugzilla_products[j]);
	}
	for (i = 0; i < ARRAY_SIZE(default_issues); i++) {
		struct config_project *p =
			config_project_add(cfg, default_issues[i].name);

		for (j = 0; j < DEFAULT_LIST_MAX; j++) {
			if (default_issues[i].products[j])
				config_list_add(&p->bugzilla_products,
						default_issues[i].products[j]);
			if (default_issues[i].components[j])
				config_list_add(
					&p->bugzilla_components,
					default_issues[i].components[j]);
			if (default_issues[i].labels[j])
				config_list_add(&p->github_labels,
						default_issues[i].labels[j]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(default_ci); i++) {
		for (j = 0; j < cfg->nprojects; j++) {
			struct config_project *p = &cfg->projects[j];

			if (strcmp(p->name, default_ci[i].name))
				continue;
			if (default_ci[i].taskcluster_index)
				p->taskcluster_index = xstrdup(
					default_ci[i].taskcluster_index);
			if (default_ci[i].bitrise_app)
				p->bitrise_app =
					xstrdup(default_ci[i].bitrise_app);
		}
	}
}
