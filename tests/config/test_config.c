/*
 * test_config.c - the configuration: defaults, files, errors, search,
 * JSON and masking.
 *
 * Files under test are written to a private temporary directory; the
 * fixtures come from $FIXTURES/config.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "config/config.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static const char *const written[] = {"t.conf", "testpump.conf", "other.conf",
				      "third.conf"};

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(written); i++) {
		char *path = xasprintf("%s/%s", tmpdir, written[i]);

		unlink(path);
		free(path);
	}
	return rmdir(tmpdir);
}

/* Writes text to tmpdir/name; returns the path, which the caller frees. */
static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static char *fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");

	if (!dir)
		fail_msg("FIXTURES is not set");
	return xasprintf("%s/config/%s", dir, name);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("\"%s\" contains \"%s\"", hay, needle);
}

static void assert_near(double got, double want, double eps)
{
	if (got < want - eps || got > want + eps)
		fail_msg("%.17g is not %.17g", got, want);
}

static void assert_list(const struct config_list *list, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(list->count, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(list->items[i], va_arg(ap, const char *));
	va_end(ap);
}

/* The configuration as compact JSON, to compare two states. */
static char *dump(const struct config *cfg)
{
	json_t *j = config_to_json(cfg);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static const struct config_project *project(const struct config *cfg,
					    const char *name)
{
	const struct config_project *p = config_project(cfg, name);

	if (!p)
		fail_msg("no project '%s'", name);
	return p;
}

static void test_defaults(void **state)
{
	static const struct {
		const char *name;
		int64_t id;
		const char *repo;
	} want[] = {
		{"fenix", 59, "mozilla-mobile/firefox-android"},
		{"focus-android", 48, "mozilla-mobile/firefox-android"},
		{"reference-browser", 58, "mozilla-mobile/reference-browser"},
		{"firefox-ios", 14, "mozilla-mobile/firefox-ios"},
		{"focus-ios", 27, "mozilla-mobile/firefox-ios"},
	};
	struct config_project *p;
	struct config cfg;
	size_t i;

	(void)state;
	config_init(&cfg);
	assert_null(cfg.path);
	assert_null(cfg.store_url);
	assert_string_equal(cfg.server_listen, "127.0.0.1:8080");
	assert_null(cfg.server_token_env);
	assert_int_equal(cfg.aggregation.min_attempts, 6);
	assert_int_equal(cfg.aggregation.pity, 2);
	assert_near(cfg.aggregation.alpha, 0.05, 1e-12);
	assert_int_equal(cfg.aggregation.corpus, 250);
	assert_int_equal(cfg.aggregation.history_runs, 200);
	assert_int_equal(cfg.aggregation.history_days, 21);
	assert_near(cfg.aggregation.no_history_percent, 70, 0);
	assert_near(cfg.aggregation.failed_history_percent, 99, 0);
	assert_int_equal(cfg.aggregation.always_pass.count, 0);
	assert_int_equal(cfg.aggregation.never_fail.count, 0);
	assert_int_equal(cfg.nprojects, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		p = &cfg.projects[i];
		assert_string_equal(p->name, want[i].name);
		assert_int_equal(p->testrail_project_id, want[i].id);
		assert_string_equal(p->github_repo, want[i].repo);
		/* ci-builds: Android on Taskcluster, iOS on Bitrise */
		assert_true(!p->taskcluster_index == (i >= 3));
		assert_true(!p->bitrise_app == (i < 3));
		assert_ptr_equal(config_project(&cfg, want[i].name), p);
	}
	assert_null(config_project(&cfg, "nope"));
	assert_null(config_project(&cfg, "Fenix"));
	/* issue-regression's products, components and labels */
	assert_list(&cfg.projects[0].bugzilla_products, 1,
		    "Firefox for Android");
	assert_int_equal(cfg.projects[0].bugzilla_components.count, 0);
	assert_list(&cfg.projects[1].bugzilla_components, 2, "General",
		    "Privacy");
	assert_int_equal(cfg.projects[2].bugzilla_products.count, 0);
	assert_list(&cfg.projects[3].github_labels, 2, "regression", "crash");
	assert_list(&cfg.projects[4].github_labels, 1, "regression");

	/* adding a project that exists gives it back */
	assert_ptr_equal(config_project_add(&cfg, "fenix"), &cfg.projects[0]);
	p = config_project_add(&cfg, "new");
	assert_int_equal(cfg.nprojects, 6);
	assert_string_equal(p->name, "new");
	assert_int_equal(p->testrail_project_id, 0);
	config_list_add(&p->github_labels, "a");
	config_list_add(&p->github_labels, "b c");
	assert_true(config_list_has(&p->github_labels, "b c"));
	assert_false(config_list_has(&p->github_labels, "b"));
	config_list_clear(&p->github_labels);
	assert_false(config_list_has(&p->github_labels, "a"));
	config_release(&cfg);
	assert_null(cfg.projects);
	assert_int_equal(cfg.nprojects, 0);
}

static void test_full_file(void **state)
{
	char *path = fixture("full.conf");
	const struct config_project *p;
	struct config cfg;

	(void)state;
	config_init(&cfg);
	if (config_load_file(&cfg, path) < 0)
		fail_msg("%s", err_msg());
	assert_string_equal(cfg.path, path);
	assert_string_equal(
		cfg.store_url,
		"postgresql://testpump@db.example.org:5432/testpump");
	assert_string_equal(cfg.server_listen, "0.0.0.0:9090");
	assert_string_equal(cfg.server_token_env, "TESTPUMP_TOKEN");
	assert_int_equal(cfg.aggregation.min_attempts, 8);
	assert_int_equal(cfg.aggregation.pity, 1);
	assert_near(cfg.aggregation.alpha, 0.01, 1e-12);
	assert_near(cfg.aggregation.no_history_percent, 75.5, 0);
	assert_list(&cfg.aggregation.always_pass, 2, "step graph:initialize",
		    "suite:test name");
	assert_list(&cfg.aggregation.never_fail, 1,
		    "Undiagnosed panic detected in pod");

	/* fenix keeps what the file does not set */
	p = project(&cfg, "fenix");
	assert_int_equal(p->testrail_project_id, 60);
	assert_string_equal(p->github_repo, "mozilla-mobile/firefox-android");
	assert_list(&p->bugzilla_components, 2, "Toolbar", "Tabs");
	assert_list(&p->github_labels, 2, "eng:intermittent-test", "crash");
	assert_int_equal(project(&cfg, "focus-ios")->testrail_project_id, 27);

	/* desktop is added at the end; test_to_json checks every value */
	assert_int_equal(cfg.nprojects, 6);
	p = &cfg.projects[5];
	assert_string_equal(p->name, "desktop");
	assert_list(&p->bugzilla_components, 2, "General", "Toolbar");
	assert_string_equal(p->bitrise_app, "0123abcd4567ef89");
	config_release(&cfg);
	free(path);
}

static void test_comments(void **state)
{
	char *path = fixture("comments.conf");
	struct config cfg;

	(void)state;
	config_init(&cfg);
	if (config_load_file(&cfg, path) < 0)
		fail_msg("%s", err_msg());
	assert_string_equal(cfg.store_url, "sqlite:/tmp/x.db");
	assert_int_equal(cfg.aggregation.min_attempts, 7);
	assert_int_equal(cfg.aggregation.pity, 3);
	assert_list(&cfg.aggregation.always_pass, 2, "a#b", "c");
	assert_int_equal(project(&cfg, "Fenix-2")->testrail_project_id, 5);
	assert_null(config_project(&cfg, "fenix-2"));
	config_release(&cfg);
	free(path);
}

/* Line numbers count CRLF lines, and a UTF-8 byte order mark is fine. */
static void test_crlf_and_bom(void **state)
{
	char *path = write_file("t.conf", "\xef\xbb\xbf[store]\r\n"
					  "url = sqlite:a.db\r\n"
					  "\r\n"
					  "[aggregation]\r\n"
					  "pity = x\r\n");
	struct config cfg;

	(void)state;
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_contains(err_msg(), "t.conf:5: 'pity' must be an integer from "
				   "0 to 100, got 'x'");
	config_release(&cfg);
	free(path);
}

static void test_lists(void **state)
{
	char *path = write_file("t.conf",
				"[aggregation]\n"
				"always_pass =   suite:test name ,other,, x  \n"
				"never_fail =\n"
				"always_pass = more\n"
				"[project \"fenix\"]\n"
				"github_labels = a\n"
				"github_repo =\n"
				"testrail_project_id =\n"
				"[aggregation]\n"
				"always_pass = last\n"
				"pity = 5\n"
				"pity = 6\n");
	struct config cfg;
	const struct config_project *p;

	(void)state;
	config_init(&cfg);
	config_list_add(&cfg.aggregation.always_pass, "from before");
	config_list_add(&cfg.aggregation.never_fail, "from before");
	assert_int_equal(config_load_file(&cfg, path), 0);
	assert_list(&cfg.aggregation.always_pass, 5, "suite:test name", "other",
		    "x", "more", "last");
	assert_list(&cfg.aggregation.never_fail, 0);
	assert_int_equal(cfg.aggregation.pity, 6);
	p = project(&cfg, "fenix");
	assert_list(&p->github_labels, 1, "a");
	assert_null(p->github_repo);
	assert_int_equal(p->testrail_project_id, 0);
	free(path);

	/* a second file replaces the list the first one built */
	path = write_file("t.conf", "[aggregation]\nalways_pass = z\n");
	assert_int_equal(config_load_file(&cfg, path), 0);
	assert_list(&cfg.aggregation.always_pass, 1, "z");
	config_release(&cfg);
	free(path);
}

/* Each bad file, and what the message must say (after "t.conf:"). */
static const struct bad_case {
	const char *text;
	const char *want;
} bad_cases[] = {
	{"[store]\nurl = sqlite:x\n[foo]\nk = v\n",
	 "3: unknown section [foo]; expected one of [store], [server], "
	 "[aggregation], [project \"NAME\"]"},
	{"[store]\n[ project.fenix ]\n", "2: unknown section [project.fenix]"},
	{"[aggregation]\n\nmin_attempts = x\n",
	 "3: 'min_attempts' must be an integer from 1 to 1000, got 'x'"},
	{"[aggregation]\nmin_attempts = 0\n", "2: 'min_attempts' must be"},
	{"[aggregation]\nmin_attempts = 1001\n",
	 "2: 'min_attempts' must be an integer from 1 to 1000, got '1001'"},
	{"[aggregation]\nmin_attempts = 6.0\n",
	 "2: 'min_attempts' must be an integer from 1 to 1000, got '6.0'"},
	{"[aggregation]\nmin_attempts =\n",
	 "2: 'min_attempts' must be an integer from 1 to 1000, got ''"},
	{"[aggregation]\npity = 101\n",
	 "2: 'pity' must be an integer from 0 to 100, got '101'"},
	{"[aggregation]\ncorpus = 0\n",
	 "2: 'corpus' must be an integer from 1 to 100000, got '0'"},
	{"[aggregation]\nhistory_runs = 100001\n",
	 "2: 'history_runs' must be an integer from 1 to 100000"},
	{"[aggregation]\nhistory_days = 3651\n",
	 "2: 'history_days' must be an integer from 1 to 3650, got '3651'"},
	{"[aggregation]\nhistory_days = 99999999999999999999\n",
	 "2: 'history_days' must be an integer from 1 to 3650"},
	{"[aggregation]\nalpha = 0\n",
	 "2: 'alpha' must be a number greater than 0 and less than 1, got "
	 "'0'"},
	{"[aggregation]\nalpha = 1\n",
	 "2: 'alpha' must be a number greater than 0 and less than 1, got '1'"},
	{"[aggregation]\nalpha = nan\n",
	 "2: 'alpha' must be a number greater than 0 and less than 1, got 'nan'"},
	{"[aggregation]\nno_history_percent = 100.5\n",
	 "2: 'no_history_percent' must be a number from 0 to 100, got "
	 "'100.5'"},
	{"[aggregation]\nfailed_history_percent = -1\n",
	 "2: 'failed_history_percent' must be a number from 0 to 100, got '-1'"},
	{"[aggregation]\nmin_attemps = 6\n",
	 "2: unknown key 'min_attemps' in [aggregation]; valid keys: "
	 "min_attempts, pity, alpha, corpus, history_runs, history_days, "
	 "no_history_percent, failed_history_percent, always_pass, "
	 "never_fail"},
	{"[project \"fenix\"]\nfoo = 1\n",
	 "2: unknown key 'foo' in [project \"fenix\"]; valid keys: "
	 "testrail_project_id, bugzilla_products"},
	{"[server]\nurl = sqlite:x\n", "2: unknown key 'url' in [server]; "
				       "valid keys: listen, token_env"},
	{"[store]\n\n[project]\n", "3: [project] needs a name"},
	{"[project \"\"]\n", "1: empty project name"},
	{"[project fenix]\n", "1: a project name goes in double quotes"},
	{"[project \"a b\"]\n", "1: project name 'a b' must be"},
	{"[project \"all\"]\n", "1: project name 'all' is reserved"},
	{"[project \"x\"]\ntestrail_project_id = 0\n",
	 "2: 'testrail_project_id' must be an integer of at least 1, got "
	 "'0'"},
	{"[project \"x\"]\ngithub_repo = nope\n",
	 "2: 'github_repo' must be OWNER/REPO, got 'nope'"},
	{"[project \"x\"]\ntaskcluster_index = a b\n",
	 "2: 'taskcluster_index' must be one word without blanks"},
	{"[server]\nlisten = localhost\n",
	 "2: 'listen' must be HOST:PORT with a port from 1 to 65535, got "
	 "'localhost'"},
	{"[server]\nlisten = :80\n",
	 "2: 'listen' must be HOST:PORT with a port from 1 to 65535, got ':80'"},
	{"[server]\nlisten = host:70000\n",
	 "2: 'listen' must be HOST:PORT with a port from 1 to 65535, got 'host:70000'"},
	{"[server]\nlisten =\n", "2: 'listen' must be HOST:PORT"},
	{"[server]\ntoken_env = ghp-not-a-name\n",
	 "2: 'token_env' must be the name of an environment variable"},
	{"[store]\nurl = mysql://x/y\n",
	 "2: 'url' must be sqlite:PATH or postgresql://"},
	{"min_attempts = 6\n", "1: 'min_attempts' is outside any section"},
	{"[store]\nthis is not ini\n",
	 "2: expected [section], key = value or a comment"},
	{"[aggregation]\nalways_pass = a\n  b\n",
	 "3: expected [section], key = value or a comment"},
	{"[store\n", "1: section header without a closing ']'"},
	{"[store \"x\"]\n", "1: [store] takes no name"},
	{"[store] junk\n", "1: unexpected text after ']'"},
	{"[store]\n= v\n", "2: a key name is missing before '='"},
	{"[store]\nurl = sqlite:\xff.db\n", "2: line is not valid UTF-8"},
	{"[store]\nurl = sqlite:\xc0\xaf.db\n", "2: line is not valid UTF-8"},
	{"[aggregation]\npity = x\nfoo = 1\n", "2: 'pity' must be"},
};

static void test_errors(void **state)
{
	struct config cfg;
	char *before;
	size_t i;

	(void)state;
	config_init(&cfg);
	before = dump(&cfg);
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		char *path = write_file("t.conf", bad_cases[i].text);
		char *want = xasprintf("t.conf:%s", bad_cases[i].want);
		char *after;

		err_clear();
		if (config_load_file(&cfg, path) != -1)
			fail_msg("case %zu loaded", i);
		assert_contains(err_msg(), want);
		assert_contains(err_msg(), path);
		after = dump(&cfg);
		assert_string_equal(after, before);
		free(after);
		free(want);
		free(path);
	}
	free(before);
	config_release(&cfg);
}

/* A line inih would split in two is refused with its number. */
static void test_long_line(void **state)
{
	char *path = fixture("long-line.conf");
	struct config cfg;
	char *line, *text;

	(void)state;
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_contains(err_msg(), "long-line.conf:3: line too long");
	assert_contains(err_msg(), "199 bytes");
	assert_null(cfg.path);
	free(path);

	/* 199 bytes is the longest line taken, 200 is refused */
	line = xmalloc(201);
	memset(line, 'x', 200);
	line[200] = '\0';
	memcpy(line, "never_fail = ", 13);
	text = xasprintf("[aggregation]\n%.199s\n", line);
	path = write_file("t.conf", text);
	assert_int_equal(config_load_file(&cfg, path), 0);
	assert_int_equal(strlen(cfg.aggregation.never_fail.items[0]), 186);
	free(path);
	free(text);
	text = xasprintf("[aggregation]\n%s\r\n", line);
	path = write_file("t.conf", text);
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_contains(err_msg(), "t.conf:2: line too long");
	free(path);
	free(text);
	free(line);
	config_release(&cfg);
}

static void test_secret_keys(void **state)
{
	static const struct {
		const char *section, *key, *value;
	} cases[] = {
		{"[store]", "password", "hunter2hunter2"},
		{"[store]", "Password", "hunter2hunter2"},
		{"[server]", "token", "ghp_supersecret"},
		{"[project \"fenix\"]", "github_token", "ghp_supersecret"},
		{"[project \"fenix\"]", "bugzilla_api_key", "k3ysecret"},
		{"[aggregation]", "api_key", "k3ysecret"},
		{"[server]", "client_secret", "s3cretvalue"},
		{"[project \"new\"]", "testrail_password", "pw_secret"},
		{"", "TESTRAIL_PASSWORD", "pw_secret"},
		{"[foo]", "x", "y"},
	};
	static const char *const vars[] = {
		"TESTRAIL_PASSWORD",
		"BUGZILLA_API_KEY",
		"GITHUB_TOKEN",
		"TASKCLUSTER_ACCESS_TOKEN",
		"BITRISE_TOKEN",
		"PGPASSWORD",
		"the variable named by [server] token_env"};
	struct config cfg;
	char *before;
	size_t i, j;

	(void)state;
	config_init(&cfg);
	before = dump(&cfg);
	/* the last case checks the section error comes first */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text =
			xasprintf("; secrets\n%s\n%s = %s\n", cases[i].section,
				  cases[i].key, cases[i].value);
		char *path = write_file("t.conf", text);
		char *want = xasprintf("t.conf:3: '%s' looks like a secret",
				       cases[i].key);
		char *after;

		assert_int_equal(config_load_file(&cfg, path), -1);
		if (i == ARRAY_SIZE(cases) - 1) {
			assert_contains(err_msg(), "t.conf:2: unknown section");
		} else {
			assert_contains(err_msg(), want);
			assert_lacks(err_msg(), cases[i].value);
			for (j = 0; j < ARRAY_SIZE(vars); j++)
				assert_contains(err_msg(), vars[j]);
		}
		after = dump(&cfg);
		assert_string_equal(after, before);
		free(after);
		free(want);
		free(path);
		free(text);
	}
	free(before);
	config_release(&cfg);
}

/* A secret given as a value is refused without being shown. */
static void test_secret_values(void **state)
{
	struct config cfg;
	char *path;

	(void)state;
	config_init(&cfg);
	path = write_file("t.conf",
			  "[store]\nurl = postgresql://u:hunter2@h/db\n");
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_contains(err_msg(), "t.conf:2: 'url' must not hold a password");
	assert_lacks(err_msg(), "hunter2");
	free(path);
	path = write_file("t.conf",
			  "[store]\nurl = postgresql://h/db?password=pw9\n");
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_lacks(err_msg(), "pw9");
	free(path);

	/* nor is a token given where its variable's name belongs */
	path = write_file("t.conf", "[server]\ntoken_env = ghp-abc-xyz\n");
	assert_int_equal(config_load_file(&cfg, path), -1);
	assert_contains(err_msg(), "t.conf:2: 'token_env' must be the name");
	assert_lacks(err_msg(), "ghp-");
	free(path);
	config_release(&cfg);
}

static void test_secret_name(void **state)
{
	static const char *const secret[] = {
		"password",	 "PGPASSWORD", "token",	 "access_token",
		"api_key",	 "ApiKey",     "key",	 "secret",
		"client_secret", "pwd",	       "passwd", "sig",
		"private_key"};
	static const char *const plain[] = {
		"url",	    "listen",	"user",	       "keyword",
		"monkey_x", "sslmode",	"github_repo", "bitrise_app",
		"page",	    "passfile", "dbname",      "signal"};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(secret); i++)
		if (!config_secret_name(secret[i], strlen(secret[i])))
			fail_msg("'%s' not taken for a secret", secret[i]);
	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (config_secret_name(plain[i], strlen(plain[i])))
			fail_msg("'%s' taken for a secret", plain[i]);
}

static void test_load_search(void **state)
{
	char cwd[4096];
	char *testpump =
		write_file("testpump.conf", "[aggregation]\npity = 3\n");
	char *other = write_file("other.conf", "[aggregation]\npity = 4\n");
	char *third = write_file("third.conf", "[aggregation]\npity = 5\n");
	char *missing = xasprintf("%s/missing.conf", tmpdir);
	struct config cfg;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	unsetenv(CONFIG_ENV);

	/* ./testpump.conf when nothing else is named */
	assert_int_equal(config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.path, "testpump.conf");
	assert_int_equal(cfg.aggregation.pity, 3);
	config_release(&cfg);

	/* an empty $TESTPUMP_CONFIG counts as unset */
	setenv(CONFIG_ENV, "", 1);
	assert_int_equal(config_load(&cfg, NULL), 0);
	assert_int_equal(cfg.aggregation.pity, 3);
	config_release(&cfg);

	/* $TESTPUMP_CONFIG before ./testpump.conf */
	setenv(CONFIG_ENV, other, 1);
	assert_int_equal(config_load(&cfg, NULL), 0);
	assert_string_equal(cfg.path, other);
	assert_int_equal(cfg.aggregation.pity, 4);
	config_release(&cfg);

	/* --config before both */
	assert_int_equal(config_load(&cfg, third), 0);
	assert_string_equal(cfg.path, third);
	assert_int_equal(cfg.aggregation.pity, 5);
	config_release(&cfg);

	/* a named file must exist; cfg is still the defaults */
	assert_int_equal(config_load(&cfg, missing), -1);
	assert_contains(err_msg(), "cannot read config '");
	assert_contains(err_msg(), "missing.conf': No such file or directory");
	assert_null(cfg.path);
	assert_int_equal(cfg.aggregation.pity, 2);
	assert_int_equal(cfg.nprojects, 5);
	config_release(&cfg);
	setenv(CONFIG_ENV, missing, 1);
	assert_int_equal(config_load(&cfg, NULL), -1);
	assert_contains(err_msg(), "TESTPUMP_CONFIG: cannot read config '");
	assert_contains(err_msg(), "No such file or directory");
	assert_int_equal(cfg.aggregation.pity, 2);
	config_release(&cfg);
	assert_int_equal(config_load(&cfg, tmpdir), -1);
	assert_contains(err_msg(), "Is a directory");
	config_release(&cfg);

	/* a bad ./testpump.conf is an error, with the defaults kept */
	unsetenv(CONFIG_ENV);
	free(write_file("testpump.conf", "[aggregation]\npity = -1\n"));
	assert_int_equal(config_load(&cfg, NULL), -1);
	assert_contains(err_msg(), "testpump.conf:2: 'pity' must be");
	assert_int_equal(cfg.aggregation.pity, 2);
	config_release(&cfg);

	/* no file at all: the built-in configuration */
	assert_int_equal(unlink("testpump.conf"), 0);
	assert_int_equal(config_load(&cfg, NULL), 0);
	assert_null(cfg.path);
	assert_int_equal(cfg.nprojects, 5);
	config_release(&cfg);

	assert_int_equal(chdir(cwd), 0);
	free(testpump);
	free(other);
	free(third);
	free(missing);
}

/* Clears every variable config_to_json() shows, for a known state. */
static void unset_credentials(void)
{
	const struct config_credential *c;

	for (c = config_credentials; c->name; c++)
		unsetenv(c->name);
	unsetenv("TESTPUMP_TOKEN");
}

static char *read_fixture(const char *name)
{
	char *path = fixture(name), *text = xmalloc(65536);
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		fail_msg("cannot open '%s'", path);
	n = fread(text, 1, 65535, fp);
	while (n && text[n - 1] == '\n')
		n--;
	text[n] = '\0';
	fclose(fp);
	free(path);
	return text;
}

/* full.conf as JSON, against the golden full.json, with secrets set. */
static void test_to_json(void **state)
{
	char *path = fixture("full.conf"), *got, *want;
	struct config cfg;
	json_t *j;

	(void)state;
	unset_credentials();
	setenv("GITHUB_TOKEN", "ghp_supersecret", 1);
	setenv("TESTRAIL_HOST", "https://alice:pw123@testrail.example.com", 1);
	setenv("TESTRAIL_USERNAME", "alice@example.com", 1);
	setenv("TESTRAIL_PASSWORD", "hunter2", 1);
	setenv("BUGZILLA_API_KEY", "", 1);
	setenv("GITHUB_API_URL", "https://api.example.com/?token=tok999", 1);
	setenv("PGPASSWORD", "pgsecret", 1);
	setenv("TESTPUMP_TOKEN", "srvsecret", 1);
	config_init(&cfg);
	assert_int_equal(config_load_file(&cfg, path), 0);
	free(cfg.store_url);
	cfg.store_url = xstrdup("postgresql://u:dbsecret@h/db");

	j = config_to_json(&cfg);
	assert_non_null(j);
	got = json_dumps(j, JSON_COMPACT);
	assert_contains(got, path);
	assert_lacks(got, "supersecret");
	assert_lacks(got, "pw123");
	assert_lacks(got, "hunter2");
	assert_lacks(got, "pgsecret");
	assert_lacks(got, "dbsecret");
	assert_lacks(got, "srvsecret");
	assert_lacks(got, "tok999");
	free(got);

	json_object_set_new(j, "file", json_string("full.conf"));
	got = json_dumps(j, JSON_INDENT(2));
	want = read_fixture("full.json");
	if (strcmp(got, want))
		fail_msg("config_to_json() differs from full.json:\n%s", got);
	free(want);
	free(got);
	json_decref(j);
	config_release(&cfg);

	/* the built-in configuration has no file and no token variable */
	config_init(&cfg);
	j = config_to_json(&cfg);
	assert_true(json_is_null(json_object_get(j, "file")));
	assert_true(json_is_null(
		json_object_get(json_object_get(j, "store"), "url")));
	assert_null(json_object_get(json_object_get(j, "credentials"),
				    "TESTPUMP_TOKEN"));
	json_decref(j);
	config_release(&cfg);
	unset_credentials();
	free(path);
}

static void test_mask_url(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"postgresql://user:secret@host/db",
		 "postgresql://user:********@host/db"},
		{"postgres://user:secret@host:5432/db?sslmode=require",
		 "postgres://user:********@host:5432/db?sslmode=require"},
		{"POSTGRESQL://user:s@host/db",
		 "POSTGRESQL://user:********@host/db"},
		{"postgresql://user@host/db", "postgresql://user@host/db"},
		{"postgresql://u:pa/ss@word@host/db",
		 "postgresql://u:********@host/db"},
		{"postgresql:///db?host=/run/pg&password=pw&user=u",
		 "postgresql:///db?host=/run/pg&password=********&user=u"},
		{"https://user:pw@example.com/path",
		 "https://***@example.com/path"},
		{"https://ghp_token@github.com/x.git",
		 "https://***@github.com/x.git"},
		{"https://example.com/a/@b", "https://example.com/a/@b"},
		{"https://example.com/x?access_token=abc&page=2#frag",
		 "https://example.com/x?access_token=********&page=2#frag"},
		{"https://example.com/cb#access_token=abc",
		 "https://example.com/cb#access_token=********"},
		{"https://example.com/?key=k1;sig=s2",
		 "https://example.com/?key=********;sig=********"},
		{"host=db password=secret dbname=x",
		 "host=db password=******** dbname=x"},
		{"host=db password = 'se cret\\' x' dbname=x",
		 "host=db password = ******** dbname=x"},
		{"password=secret", "password=********"},
		{"host=db sslpassword=abc", "host=db sslpassword=********"},
		{"sqlite:testpump.db", "sqlite:testpump.db"},
		{"sqlite:/tmp/a=b.db", "sqlite:/tmp/a=b.db"},
		{"alice@example.com", "alice@example.com"},
		{"", ""},
	};
	size_t i;

	(void)state;
	assert_null(config_mask_url(NULL));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = config_mask_url(cases[i].in);

		if (strcmp(got, cases[i].want))
			fail_msg("mask(\"%s\") = \"%s\", want \"%s\"",
				 cases[i].in, got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_secret_keys),
		cmocka_unit_test(test_secret_values),
		cmocka_unit_test(test_secret_name),
		cmocka_unit_test(test_load_search),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_mask_url),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
