/*
 * faux_taskcluster.c - the faux Taskcluster index and queue (peers.md
 * 5.4): listTasks of an index namespace and findTask, task status and
 * definition, task-group listing and run artifacts, each list paged with
 * continuationToken at most FAUX_TC_PAGE items a page whatever limit asks
 * (so the small data spans pages), and a full last page that still hands
 * out a token, answered by an empty page, as Taskcluster may.  An
 * artifact's URL answers 303 to the faux storage, an error artifact 424.
 *
 * Scenarios: server-error fails focus-android's task-group pages after
 * the first (HTTP 500); malformed cuts reference-browser's task-group
 * list short (truncated JSON); rate-limited as faux_ci_inject().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "sources/faux_ci.h"
#include "core/banned.h"

#define FAUX_TC_PAGE 3
#define SERVER_ERROR_NS "mobile.v3.firefox-android.focus.pushes"
#define MALFORMED_NS "mobile.v2.reference-browser.pushes"

/*
 * Answers the page of list that target's continuationToken and limit ask
 * for, as {key: [...], "continuationToken": ...} plus the members of
 * extra (taken; may be NULL).
 */
static void page(struct faux *f, const char *target, const json_t *list,
		 const char *key, json_t *extra, struct http_response *out)
{
	char token[32], limit_s[16];
	size_t offset = 0, limit = FAUX_TC_PAGE, len = json_array_size(list);
	json_t *body = extra ? extra : json_object(), *items = json_array();

	if (faux_ci_param(target, "continuationToken", token, sizeof(token))) {
		char *end;

		offset = (size_t)strtoul(token + 1, &end, 10);
		if (token[0] != 'c' || *end || offset > len) {
			json_decref(body);
			json_decref(items);
			faux_error(out, 400, "invalid continuationToken");
			return;
		}
	}
	if (faux_ci_param(target, "limit", limit_s, sizeof(limit_s)) &&
	    strtol(limit_s, NULL, 10) > 0 &&
	    (size_t)strtol(limit_s, NULL, 10) < limit)
		limit = (size_t)strtol(limit_s, NULL, 10);
	for (size_t i = offset; i < len && i < offset + limit; i++) {
		json_t *item = faux_ci_shifted(json_array_get(list, i),
					       faux_shift_s(f));

		json_object_del(item, "blob");
		json_array_append_new(items, item);
	}
	json_object_set_new(body, key, items);
	if (json_array_size(items) == limit) {
		snprintf(token, sizeof(token), "c%zu", offset + limit);
		json_object_set_new(body, "continuationToken",
				    json_string(token));
	}
	faux_ci_json(out, body);
}

/* The index namespace whose entry names task group gid, or NULL. */
static const char *group_namespace(struct faux *f, const char *gid)
{
	const struct faux_doc *d = faux_find(f, "taskcluster/index");
	const char *ns;
	json_t *entries, *e;
	size_t i;

	if (!d)
		return NULL;
	json_object_foreach (d->data, ns, entries)
		json_array_foreach (entries, i, e)
			if (!strcmp(json_string_value(
					    json_object_get(e, "taskId")),
				    gid))
				return ns;
	return NULL;
}

/* The {task, status} entry of task id in any group, or NULL. */
static const json_t *find_task(const json_t *groups, const char *id)
{
	const char *gid;
	json_t *tasks, *t;
	size_t i;

	json_object_foreach ((json_t *)groups, gid, tasks)
		json_array_foreach (tasks, i, t)
			if (!strcmp(json_string_value(json_object_get(
					    json_object_get(t, "status"),
					    "taskId")),
				    id))
				return t;
	return NULL;
}

void faux_taskcluster_index_respond(struct faux *f, const char *rest,
				    struct http_response *out)
{
	const json_t *index;
	size_t n = faux_ci_path_len(rest);
	char *path;

	if (faux_ci_inject(f, out) ||
	    !(index = faux_ci_doc(f, "taskcluster/index", out)))
		return;
	path = xstrndup(rest, n);
	if (!strncmp(path, "tasks/", 6)) {
		const json_t *list = json_object_get(index, path + 6);
		json_t *empty = json_array();

		page(f, rest, list ? list : empty, "tasks", NULL, out);
		json_decref(empty);
	} else if (!strncmp(path, "task/", 5)) {
		const char *ns;
		json_t *entries, *e, *found = NULL;
		size_t i;

		json_object_foreach ((json_t *)index, ns, entries)
			json_array_foreach (entries, i, e)
				if (!strcmp(json_string_value(json_object_get(
						    e, "namespace")),
					    path + 5))
					found = e;
		if (found)
			faux_ci_json(out,
				     faux_ci_shifted(found, faux_shift_s(f)));
		else
			faux_error(out, 404, "Indexed task not found");
	} else {
		faux_error(out, 404, "no such endpoint");
	}
	free(path);
}

static void group_list(struct faux *f, const json_t *groups, const char *gid,
		       const char *rest, struct http_response *out)
{
	const json_t *tasks = json_object_get(groups, gid);
	const char *ns = group_namespace(f, gid);
	char token[32];
	enum faux_scenario sc = faux_options(f)->scenario;

	if (!tasks) {
		faux_error(out, 404, "Task group not found");
		return;
	}
	if (sc == FAUX_SERVER_ERROR && ns && !strcmp(ns, SERVER_ERROR_NS) &&
	    faux_ci_param(rest, "continuationToken", token, sizeof(token))) {
		faux_error(out, 500, "Internal Server Error");
		return;
	}
	if (sc == FAUX_MALFORMED && ns && !strcmp(ns, MALFORMED_NS)) {
		out->status = 200;
		buf_addf(&out->body, "{\"taskGroupId\":\"%s\",\"tasks\":[{\"ta",
			 gid);
		return;
	}
	page(f, rest, tasks, "tasks", json_pack("{s:s}", "taskGroupId", gid),
	     out);
}

/* "task/ID/runs/N/artifacts[/NAME]": the list or a redirect. */
static void artifacts(struct faux *f, const char *id, const char *run,
		      const char *name, const char *rest,
		      struct http_response *out)
{
	const json_t *all = faux_ci_doc(f, "taskcluster/artifacts", out);
	char *key;
	const json_t *list, *a;
	size_t i;

	if (!all)
		return;
	key = xasprintf("%s/%s", id, run);
	list = json_object_get(all, key);
	free(key);
	if (!list) {
		faux_error(out, 404, "Artifacts not found");
		return;
	}
	if (!name) {
		page(f, rest, list, "artifacts", NULL, out);
		return;
	}
	json_array_foreach (list, i, a) {
		const char *st =
			json_string_value(json_object_get(a, "storageType"));
		const json_t *blob = json_object_get(a, "blob");

		if (strcmp(json_string_value(json_object_get(a, "name")), name))
			continue;
		if (!strcmp(st, "error")) {
			faux_error(out, 424, "artifact is an error artifact");
			return;
		}
		faux_error(out, 303, "see other");
		buf_addf(&out->headers, "Location: /faux-storage/%s\r\n",
			 json_is_string(blob) ? json_string_value(blob)
					      : "tc-live_backing.log");
		return;
	}
	faux_error(out, 404, "Artifact not found");
}

/* Percent-decodes s in place ("public%2Fresults%2Fjunit.xml"). */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		unsigned v;

		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			*w++ = (char)v;
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

void faux_taskcluster_queue_respond(struct faux *f, const char *rest,
				    struct http_response *out)
{
	const json_t *groups;
	char *path, *parts[6] = {0}, *p;
	size_t n = 0;

	if (faux_ci_inject(f, out) ||
	    !(groups = faux_ci_doc(f, "taskcluster/groups", out)))
		return;
	path = xstrndup(rest, faux_ci_path_len(rest));
	/* Split at '/' into at most 6 parts; the last keeps the rest. */
	for (p = path; p && n < 6; n++) {
		parts[n] = p;
		p = n < 5 ? strchr(p, '/') : NULL;
		if (p)
			*p++ = '\0';
	}
	if (n == 3 && !strcmp(parts[0], "task-group") &&
	    !strcmp(parts[2], "list")) {
		group_list(f, groups, parts[1], rest, out);
	} else if (n >= 2 && !strcmp(parts[0], "task")) {
		const json_t *t = find_task(groups, parts[1]);

		if (!t)
			faux_error(out, 404, "Task not found");
		else if (n == 2)
			faux_ci_json(out,
				     faux_ci_shifted(json_object_get(t, "task"),
						     faux_shift_s(f)));
		else if (n == 3 && !strcmp(parts[2], "status"))
			faux_ci_json(
				out,
				json_pack("{s:o}", "status",
					  faux_ci_shifted(
						  json_object_get(t, "status"),
						  faux_shift_s(f))));
		else if (n >= 5 && !strcmp(parts[2], "runs") &&
			 !strcmp(parts[4], "artifacts")) {
			if (parts[5])
				unescape(parts[5]);
			artifacts(f, parts[1], parts[3], parts[5], rest, out);
		} else
			faux_error(out, 404, "no such endpoint");
	} else {
		faux_error(out, 404, "no such endpoint");
	}
	free(path);
}
