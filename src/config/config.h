/*
 * config.h - testpump's configuration: the whole contract of config/.
 *
 * The configuration is an INI file with git-config style sub-sections:
 *
 *	[store]
 *	url = sqlite:testpump.db
 *	[server]
 *	listen = 127.0.0.1:8080
 *	token_env = TESTPUMP_TOKEN
 *	[aggregation]
 *	min_attempts = 6
 *	always_pass = suite:test name, other
 *	[project "fenix"]
 *	testrail_project_id = 59
 *	github_repo = mozilla-mobile/firefox-android
 *
 * Lines start with optional blanks; `;` and `#` start a comment line, and
 * ` ;` starts a comment after a value.  Section and key names are matched
 * without regard to case, project names exactly.  A key set twice keeps its
 * last value, except a list key, whose repeated lines in one file add up
 * (so long lists fit the line limit); the first line of a list key in a
 * file replaces what the list held before.  An empty value clears an
 * optional setting.
 *
 * Secrets (passwords, tokens, API keys) are never read from the file: they
 * come only from the environment, and a secret-like key is refused.
 *
 * A struct config owns every string and array it points at; config_release()
 * frees them all.  Nothing here knows a command, argv or HTTP.
 */
#ifndef TESTPUMP_CONFIG_CONFIG_H
#define TESTPUMP_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* jansson's json_t is `struct json_t`; declared so includers need no jansson. */
struct json_t;

/* The file config_load() reads from the working directory when present. */
#define CONFIG_DEFAULT_FILE "testpump.conf"

/* The environment variable naming a config file. */
#define CONFIG_ENV "TESTPUMP_CONFIG"

/* A list of strings, in file order; the list owns items and each item. */
struct config_list {
	char **items;
	size_t count;
	size_t cap;
};

/* One project whose data testpump pumps; NULL or empty means "none". */
struct config_project {
	char *name;
	int64_t testrail_project_id; /* 0 = none */
	struct config_list bugzilla_products;
	struct config_list bugzilla_components;
	struct config_list github_labels;
	char *github_repo; /* OWNER/REPO */
	char *taskcluster_index;
	char *bitrise_app;
};

/*
 * The parameters of `testpump aggregate` (reference/seed-systems.md 2.1):
 * at least min_attempts distinct runs; up to `pity` failures forgiven; the
 * required passes from a one-sided Fisher exact test at `alpha` against a
 * corpus of `corpus` runs; the historical working percentage over the job's
 * last history_runs runs within history_days days, no_history_percent when
 * a test has no history and failed_history_percent when history cannot be
 * read; tests (SUITE:NAME or NAME) that always pass or may never fail.
 */
struct config_aggregation {
	int min_attempts;
	int pity;
	int corpus;
	int history_runs;
	int history_days;
	double alpha;
	double no_history_percent;
	double failed_history_percent;
	struct config_list always_pass;
	struct config_list never_fail;
};

struct config {
	char *path;	 /* the last file read, NULL = built-in only */
	char *store_url; /* NULL = not set (the caller's default applies) */
	char *server_listen;
	char *server_token_env; /* NAME of the variable holding the token */
	struct config_aggregation aggregation;
	struct config_project *projects;
	size_t nprojects;
	size_t projects_cap;
};

/*
 * Fills cfg with the built-in defaults (config_default.c): no store url,
 * listen 127.0.0.1:8080, no token variable, aggregation 6/2/0.05/250/200/21
 * with 70% and 99% for missing and unreadable history, and the seed's
 * Mozilla mobile projects with their TestRail project ids.  cfg must not
 * hold anything; release it with config_release().
 */
void config_init(struct config *cfg);

/*
 * Applies the INI file at path on top of what cfg holds: keys the file sets
 * replace their values, a [project "x"] that exists gets the keys the file
 * sets, a new one is added.  cfg->path becomes path.  Returns 0, or -1 with
 * a message naming PATH:LINE (unreadable file, malformed or too long line,
 * unknown section or key, bad value, secret-like key); on failure cfg is
 * exactly as it was before the call.
 */
int config_load_file(struct config *cfg, const char *path);

/*
 * As config_load_file() for the len bytes of INI text, read from `name`
 * (used in messages and stored as cfg->path).  The text is borrowed.
 */
int config_load_text(struct config *cfg, const char *name, const char *text,
		     size_t len);

/*
 * config_init() and then the search: explicit_path (from --config, NULL if
 * not given), else $TESTPUMP_CONFIG if set and not empty, else
 * ./testpump.conf if it exists, else the built-in defaults only.  A file
 * named by explicit_path or $TESTPUMP_CONFIG must exist.  Returns 0 or -1
 * with the message set; in both cases cfg is a valid configuration (the
 * defaults on failure) that the caller releases with config_release().
 */
int config_load(struct config *cfg, const char *explicit_path);

/* The project called name (exact match), or NULL if cfg has none. */
const struct config_project *config_project(const struct config *cfg,
					    const char *name);

/*
 * The project called name, added at the end with no settings if cfg has
 * none.  The pointer is valid until the next project is added.
 */
struct config_project *config_project_add(struct config *cfg, const char *name);

/* Frees everything cfg holds and leaves it zeroed (not the defaults). */
void config_release(struct config *cfg);

/* Makes dst, which holds nothing, a deep copy of src. */
void config_copy(struct config *dst, const struct config *src);

/*
 * The environment variables testpump reads for its upstreams, in the order
 * config_to_json() shows them; the table ends with a NULL name.  Secrets
 * are never shown, logged or stored.  Defined in config_default.c.
 */
struct config_credential {
	const char *name;
	int secret;
	const char *summary; /* for --help and the man page */
};

extern const struct config_credential config_credentials[];

/*
 * The effective configuration as a new JSON object that the caller owns
 * (json_decref): {"file", "store", "server", "aggregation", "projects",
 * "credentials"}.  "credentials" maps every environment variable testpump
 * reads (TESTRAIL_HOST ... PGPASSWORD, then the server token variable if
 * one is configured) to null when unset or empty, "********" for a secret
 * that is set, or the value with any secret in it masked as by
 * config_mask_url().  No secret ever appears in the result.
 */
struct json_t *config_to_json(const struct config *cfg);

/*
 * A copy of url, which the caller frees, with every secret in it masked:
 *	postgresql://user:pw@host/db      -> postgresql://user:********@host/db
 *	https://user:pw@host/x            -> https:// ***@host/x (no blank)
 *	https://host/x?access_token=abc   -> https://host/x?access_token=********
 *	host=db password='a b' dbname=x   -> host=db password=******** dbname=x
 * A database URL keeps its role name, which is not secret; any other URL
 * loses its whole user-info, which is often a token.  Query parameters and
 * conninfo keys named like secrets (password, token, key, secret, ...) are
 * masked.  Text that is neither a URL nor conninfo is copied.  NULL gives
 * NULL.
 */
char *config_mask_url(const char *url);

/*
 * True when a key, query parameter or header called name (any case) looks
 * like it holds a secret: it contains password, secret, token, api_key,
 * access_key, credential..., or is key, pass, pwd, sig or auth.
 */
int config_secret_name(const char *name, size_t len);

/* Appends a copy of item to list. */
void config_list_add(struct config_list *list, const char *item);

/* Frees the items of list and leaves it empty and reusable. */
void config_list_clear(struct config_list *list);

/* True when list holds a string equal to item. */
int config_list_has(const struct config_list *list, const char *item);

#endif
