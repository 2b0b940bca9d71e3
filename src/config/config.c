/*
 * config.c - the life of a struct config: defaults aside (config_default.c)
 * and parsing aside (config_parse.c), its lists and projects, finding and
 * loading its file, and showing it as JSON with every secret masked.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define MASK "********"

/* Names holding one of these words (any case) are taken for secrets. */
static const char *const secret_words[] = {
	"password", "passwd",	  "secret",	 "token",     "apikey",
	"api_key",  "access_key", "private_key", "credential"};

/* ... and so are these whole names. */
static const char *const secret_names[] = {"key", "pass", "pwd", "sig", "auth"};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void config_list_add(struct config_list *list, const char *item)
{
	ALLOC_GROW(list->items, list->count + 1, list->cap);
	list->items[list->count++] = xstrdup(item);
}

void config_list_clear(struct config_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i]);
	list->count = 0;
}

int config_list_has(const struct config_list *list, const char *item)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->items[i], item))
			return 1;
	return 0;
}

static void list_release(struct config_list *list)
{
	config_list_clear(list);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static void list_copy(struct config_list *dst, const struct config_list *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->count; i++)
		config_list_add(dst, src->items[i]);
}

static struct config_project *find_project(const struct config *cfg,
					   const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nprojects; i++)
		if (!strcmp(cfg->projects[i].name, name))
			return &cfg->projects[i];
	return NULL;
}

const struct config_project *config_project(const struct config *cfg,
					    const char *name)
{
	return find_project(cfg, name);
}

struct config_project *config_project_add(struct config *cfg, const char *name)
{
	struct config_project *p = find_project(cfg, name);

	if (p)
		return p;
	ALLOC_GROW(cfg->projects, cfg->nprojects + 1, cfg->projects_cap);
	p = &cfg->projects[cfg->nprojects++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	return p;
}

static void project_release(struct config_project *p)
{
	free(p->name);
	list_release(&p->bugzilla_products);
	list_release(&p->bugzilla_components);
	list_release(&p->github_labels);
	free(p->github_repo);
	free(p->taskcluster_index);
	free(p->bitrise_app);
}

void config_release(struct config *cfg)
{
	size_t i;

	free(cfg->path);
	free(cfg->store_url);
	free(cfg->server_listen);
	free(cfg->server_token_env);
	list_release(&cfg->aggregation.always_pass);
	list_release(&cfg->aggregation.never_fail);
	for (i = 0; i < cfg->nprojects; i++)
		project_release(&cfg->projects[i]);
	free(cfg->projects);
	memset(cfg, 0, sizeof(*cfg));
}

void config_copy(struct config *dst, const struct config *src)
{
	size_t i;

	*dst = *src;
	dst->path = dup_or_null(src->path);
	dst->store_url = dup_or_null(src->store_url);
	dst->server_listen = dup_or_null(src->server_listen);
	dst->server_token_env = dup_or_null(src->server_token_env);
	list_copy(&dst->aggregation.always_pass, &src->aggregation.always_pass);
	list_copy(&dst->aggregation.never_fail, &src->aggregation.never_fail);
	dst->projects = NULL;
	dst->nprojects = dst->projects_cap = 0;
	for (i = 0; i < src->nprojects; i++) {
		const struct config_project *s = &src->projects[i];
		struct config_project *d = config_project_add(dst, s->name);

		d->testrail_project_id = s->testrail_project_id;
		list_copy(&d->bugzilla_products, &s->bugzilla_products);
		list_copy(&d->bugzilla_components, &s->bugzilla_components);
		list_copy(&d->github_labels, &s->github_labels);
		d->github_repo = dup_or_null(s->github_repo);
		d->taskcluster_index = dup_or_null(s->taskcluster_index);
		d->bitrise_app = dup_or_null(s->bitrise_app);
	}
}

static int read_text(const char *path, struct buf *out)
{
	char chunk[8192];
	FILE *fp = fopen(path, "r");
	size_t n;
	int err;

	if (!fp)
		return err_set("cannot read config '%s': %s", path,
			       strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	err = ferror(fp) ? errno : 0;
	fclose(fp);
	if (err)
		return err_set("cannot read config '%s': %s", path,
			       strerror(err));
	return 0;
}

int config_load_file(struct config *cfg, const char *path)
{
	struct buf text = BUF_INIT;
	int ret;

	if (read_text(path, &text) < 0)
		return -1;
	ret = config_load_text(cfg, path, text.data, text.len);
	buf_release(&text);
	return ret;
}

int config_load(struct config *cfg, const char *explicit_path)
{
	const char *env = getenv(CONFIG_ENV);
	struct stat st;

	config_init(cfg);
	if (explicit_path)
		return config_load_file(cfg, explicit_path);
	if (env && *env) {
		if (config_load_file(cfg, env) < 0)
			return err_prefix("%s", CONFIG_ENV);
		return 0;
	}
	if (stat(CONFIG_DEFAULT_FILE, &st) < 0 && errno == ENOENT)
		return 0;
	return config_load_file(cfg, CONFIG_DEFAULT_FILE);
}

/* A JSON string, null for NULL, a marker for text that is not UTF-8. */
static json_t *string_or_null(const char *s)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	return j ? j : json_string("<not valid UTF-8>");
}

static json_t *list_json(const struct config_list *list)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < list->count; i++)
		json_array_append_new(a, string_or_null(list->items[i]));
	return a;
}

static json_t *aggregation_json(const struct config_aggregation *a)
{
	return json_pack("{s:i, s:i, s:f, s:i, s:i, s:i, s:f, s:f, s:o, s:o}",
			 "min_attempts", a->min_attempts, "pity", a->pity,
			 "alpha", a->alpha, "corpus", a->corpus, "history_runs",
			 a->history_runs, "history_days", a->history_days,
			 "no_history_percent", a->no_history_percent,
			 "failed_history_percent", a->failed_history_percent,
			 "always_pass", list_json(&a->always_pass),
			 "never_fail", list_json(&a->never_fail));
}

static json_t *project_json(const struct config_project *p)
{
	json_t *id = p->testrail_project_id
			     ? json_integer(p->testrail_project_id)
			     : json_null();

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "name",
			 string_or_null(p->name), "testrail_project_id", id,
			 "bugzilla_products", list_json(&p->bugzilla_products),
			 "bugzilla_components",
			 list_json(&p->bugzilla_components), "github_repo",
			 string_or_null(p->github_repo), "github_labels",
			 list_json(&p->github_labels), "taskcluster_index",
			 string_or_null(p->taskcluster_index), "bitrise_app",
			 string_or_null(p->bitrise_app));
}

/* null when unset or empty, MASK for a secret, else the masked value. */
static json_t *credential_json(const char *name, int secret)
{
	const char *value = getenv(name);
	char *masked;
	json_t *j;

	if (!value || !*value)
		return json_null();
	if (secret)
		return json_string(MASK);
	masked = config_mask_url(value);
	j = string_or_null(masked);
	free(masked);
	return j;
}

static json_t *credentials_json(const struct config *cfg)
{
	const struct config_credential *c;
	json_t *o = json_object();

	for (c = config_credentials; c->name; c++)
		json_object_set_new(o, c->name,
				    credential_json(c->name, c->secret));
	if (cfg->server_token_env)
		json_object_set_new(o, cfg->server_token_env,
				    credential_json(cfg->server_token_env, 1));
	return o;
}

json_t *config_to_json(const struct config *cfg)
{
	char *url = config_mask_url(cfg->store_url);
	json_t *projects = json_array(), *j;
	size_t i;

	for (i = 0; i < cfg->nprojects; i++)
		json_array_append_new(projects,
				      project_json(&cfg->projects[i]));
	j = json_pack("{s:o, s:{s:o}, s:{s:o, s:o}, s:o, s:o, s:o}", "file",
		      string_or_null(cfg->path), "store", "url",
		      string_or_null(url), "server", "listen",
		      string_or_null(cfg->server_listen), "token_env",
		      string_or_null(cfg->server_token_env), "aggregation",
		      aggregation_json(&cfg->aggregation), "projects", projects,
		      "credentials", credentials_json(cfg));
	free(url);
	return j;
}

int config_secret_name(const char *name, size_t len)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(secret_names); i++)
		if (strlen(secret_names[i]) == len &&
		    !strncasecmp(name, secret_names[i], len))
			return 1;
	for (i = 0; i < ARRAY_SIZE(secret_words); i++) {
		size_t wlen = strlen(secret_words[i]);

		for (j = 0; j + wlen <= len; j++)
			if (!strncasecmp(name + j, secret_words[i], wlen))
				return 1;
	}
	return 0;
}

/* Where the authority of `scheme://authority...` starts, else NULL. */
static const char *uri_authority(const char *url)
{
	const char *s = url;

	if (!isalpha((unsigned char)*s))
		return NULL;
	while (isalnum((unsigned char)*s) || strchr("+-.", *s))
		s++;
	return strncmp(s, "://", 3) ? NULL : s + 3;
}

/* Database URLs keep their role name: it is not a secret, and it helps. */
static int keeps_user(const char *url, size_t scheme_len)
{
	return (scheme_len == 8 && !strncasecmp(url, "postgres", 8)) ||
	       (scheme_len == 10 && !strncasecmp(url, "postgresql", 10));
}

/* Appends the query and fragment s, masking secret-named parameters. */
static void mask_params(struct buf *b, const char *s)
{
	while (*s) {
		size_t len = strcspn(s + 1, "?#&;") + 1;
		const char *eq = memchr(s + 1, '=', len - 1);

		if (eq && config_secret_name(s + 1, (size_t)(eq - s - 1))) {
			buf_add(b, s, (size_t)(eq - s) + 1);
			buf_adds(b, MASK);
		} else {
			buf_add(b, s, len);
		}
		s += len;
	}
}

static void mask_uri(struct buf *b, const char *url, const char *auth)
{
	size_t head = strcspn(auth, "?#");
	const char *at = NULL, *colon, *s;

	for (s = auth; s < auth + head; s++)
		if (*s == '@')
			at = s;
	buf_add(b, url, (size_t)(auth - url));
	s = auth;
	/* An '@' after a '/' is user-info only if a ':' suggests a password
	 * holding a '/'; masking too much beats leaking. */
	if (at && (!memchr(auth, '/', (size_t)(at - auth)) ||
		   memchr(auth, ':', (size_t)(at - auth)))) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (!keeps_user(url, (size_t)(auth - 3 - url)))
			buf_adds(b, "***");
		else if (colon)
			buf_addf(b, "%.*s" MASK, (int)(colon - auth + 1), auth);
		else
			buf_add(b, auth, (size_t)(at - auth));
		s = at;
	}
	buf_add(b, s, (size_t)(auth + head - s));
	mask_params(b, auth + head);
}

/* The end of a conninfo value: 'quoted' or up to a blank, \ escaping. */
static const char *conninfo_value_end(const char *v)
{
	int quoted = *v == '\'';

	if (quoted)
		v++;
	while (*v && (quoted ? *v != '\'' : !isspace((unsigned char)*v))) {
		if (*v == '\\' && v[1])
			v++;
		v++;
	}
	return quoted && *v ? v + 1 : v;
}

/* Appends libpq's "key = value ..." form, masking secret-named values. */
static void mask_conninfo(struct buf *b, const char *s)
{
	static const char blanks[] = " \t\n\r\f\v";

	while (*s) {
		size_t n = strspn(s, blanks), klen;
		const char *key = s + n, *v;

		buf_add(b, s, n);
		klen = strcspn(key, "= \t\n\r\f\v");
		v = key + klen + strspn(key + klen, blanks);
		if (*v != '=') {
			buf_add(b, key, klen);
			s = key + klen;
			continue;
		}
		v++;
		v += strspn(v, blanks);
		s = conninfo_value_end(v);
		if (config_secret_name(key, klen)) {
			buf_add(b, key, (size_t)(v - key));
			buf_adds(b, MASK);
		} else {
			buf_add(b, key, (size_t)(s - key));
		}
	}
}

char *config_mask_url(const char *url)
{
	struct buf b = BUF_INIT;
	const char *auth;

	if (!url)
		return NULL;
	auth = uri_authority(url);
	if (auth)
		mask_uri(&b, url, auth);
	else if (strchr(url, '='))
		mask_conninfo(&b, url);
	else
		buf_adds(&b, url);
	return buf_detach(&b, NULL);
}
