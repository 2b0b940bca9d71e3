/*
 * github_issues.c - issue-regression from GitHub: the issues of the
 * project's repository with any of its configured labels ("regression"
 * when it names none), through the search API.
 *
 * A search hands out its first 1,000 results only, so it is read in
 * slices by creation time: sorted by creation, ascending, each slice is
 * paged through its Link headers; when a slice had more results than it
 * could hand out, the next one starts at the creation time of the last
 * issue read (issues already handed up are skipped), until a slice holds
 * all it matched.  Incremental: with a cursor (the largest updated_at of
 * the last pull) only issues updated since then, less 10 minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/github_internal.h"
#include "sources/urlq.h"
#include "core/banned.h"

#define GH_OVERLAP_MS (10 * 60 * 1000)

/* What a pull of issues carries between slices. */
struct gh_issues {
	struct gh_pull *p;
	const struct config_list *labels;
	const char *def_label;
	json_t *seen; /* issue number (text) -> true */
	char since[TIMESTAMP_MAX];
	char from[TIMESTAMP_MAX]; /* the slice's first creation time */
	char last[TIMESTAMP_MAX]; /* the last creation time read */
};

static size_t nlabels(const struct gh_issues *g)
{
	return g->labels->count ? g->labels->count : 1;
}

static const char *label(const struct gh_issues *g, size_t i)
{
	return g->labels->count ? g->labels->items[i] : g->def_label;
}

/* The search URL of a slice's first page. */
static char *slice_url(struct gh_issues *g)
{
	struct buf q = BUF_INIT, u = BUF_INIT;

	buf_addf(&q, "repo:%s is:issue label:", g->p->q->config->github_repo);
	for (size_t i = 0; i < nlabels(g); i++)
		buf_addf(&q, "%s\"%s\"", i ? "," : "", label(g, i));
	if (g->since[0])
		buf_addf(&q, " updated:>=%s", g->since);
	if (g->from[0])
		buf_addf(&q, " created:>=%s", g->from);
	buf_addf(&u, "%s/search/issues", g->p->src->base);
	urlq_add(&u, "q", q.data);
	urlq_add(&u, "sort", "created");
	urlq_add(&u, "order", "asc");
	urlq_add(&u, "per_page", "100");
	buf_release(&q);
	return buf_detach(&u, NULL);
}

/* The labels of an issue as "a, b", and the first configured one. */
static json_t *labels_of(struct gh_issues *g, json_t *item, const char **first)
{
	struct buf b = BUF_INIT;
	json_t *l, *out;
	size_t i;

	*first = NULL;
	json_array_foreach (json_object_get(item, "labels"), i, l) {
		const char *name =
			json_string_value(json_object_get(l, "name"));

		if (!name)
			continue;
		buf_addf(&b, "%s%s", b.len ? ", " : "", name);
		for (size_t k = 0; k < nlabels(g) && !*first; k++)
			if (!strcmp(label(g, k), name))
				*first = label(g, k);
	}
	out = json_string(b.data);
	buf_release(&b);
	return out;
}

/* Hands up one search result; 1 when it was handed up before. */
static int emit_issue(struct gh_issues *g, json_t *item)
{
	const char *repo = g->p->q->config->github_repo, *first;
	json_int_t number = json_integer_value(json_object_get(item, "number"));
	const char *state = json_string_value(json_object_get(item, "state"));
	json_t *created = urlq_time(json_object_get(item, "created_at"));
	char key[32];
	json_t *rec, *kw;
	int rc;

	if (number <= 0 || !state || !json_is_string(created)) {
		json_decref(created);
		return err_set("github: a search result of '%s' has no "
			       "number, state or created_at",
			       repo);
	}
	snprintf(g->last, sizeof(g->last), "%s", json_string_value(created));
	snprintf(key, sizeof(key), "%lld", (long long)number);
	if (json_object_get(g->seen, key)) {
		json_decref(created);
		return 1;
	}
	json_object_set_new(g->seen, key, json_true());
	kw = labels_of(g, item, &first);
	rec = json_pack("{s:s, s:s++, s:s, s:s, s:o, s:o, s:b, s:s}", "source",
			"github", "issue_id", repo, "#", key, "product", repo,
			"component", first ? first : "", "title",
			urlq_str(json_object_get(item, "title")), "keywords",
			kw, "regression", first != NULL, "status", state);
	json_object_set_new(
		rec, "resolution",
		strcmp(state, "closed")
			? json_null()
			: urlq_str(json_object_get(item, "state_reason")));
	json_object_set_new(rec, "created_at", created);
	json_object_set_new(rec, "resolved_at",
			    urlq_time(json_object_get(item, "closed_at")));
	json_object_set_new(rec, "changed_at",
			    urlq_time(json_object_get(item, "updated_at")));
	json_object_set_new(rec, "url",
			    urlq_str(json_object_get(item, "html_url")));
	rc = gh_emit(g->p, "issue", rec);
	json_decref(rec);
	return rc;
}

/* Reads one slice; *complete when it handed out all it matched. */
static int read_slice(struct gh_issues *g, int *complete)
{
	char *url = slice_url(g), *next = NULL;
	json_int_t total = -1;
	size_t read = 0;
	int rc = 0;

	while (url && rc == 0) {
		json_t *page, *items, *item;
		size_t i;

		rc = gh_get_json(g->p, url, &page, &next);
		if (rc < 0)
			break;
		items = json_object_get(page, "items");
		if (!json_is_array(items)) {
			char *masked = config_mask_url(url);

			rc = err_set("GET %s: the answer has no 'items' array",
				     masked);
			free(masked);
		}
		if (total < 0)
			total = json_integer_value(
				json_object_get(page, "total_count"));
		json_array_foreach (items, i, item) {
			if (json_object_get(item, "pull_request"))
				continue;
			if (rc == 0 && emit_issue(g, item) < 0)
				rc = -1;
		}
		read += json_array_size(items);
		json_decref(page);
		free(url);
		url = next;
		next = NULL;
	}
	free(url);
	*complete = total <= (json_int_t)read || read < GH_CAP;
	return rc;
}

int gh_issues_pull(struct gh_pull *p)
{
	struct gh_issues g = {.p = p,
			      .labels = &p->q->config->github_labels,
			      .def_label = "regression"};
	int64_t ms;
	int complete = 0, rc = 0;

	p->what = "issues";
	g.seen = json_object();
	if (p->q->cursor && *p->q->cursor &&
	    timestamp_parse(p->q->cursor, &ms) == 0)
		timestamp_format((ms - GH_OVERLAP_MS) / 1000 * 1000, g.since);
	while (!complete && rc == 0) {
		rc = read_slice(&g, &complete);
		if (rc == 0 && !complete) {
			if (!strcmp(g.from, g.last)) {
				rc = err_set("github: more than %d issues of "
					     "'%s' were created at %s",
					     GH_CAP, p->q->config->github_repo,
					     g.last);
				break;
			}
			memcpy(g.from, g.last, sizeof(g.from));
		}
	}
	json_decref(g.seen);
	return rc;
}
