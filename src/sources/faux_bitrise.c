/*
 * faux_bitrise.c - the faux Bitrise API v0.1 (peers.md 5.5): an app's
 * builds (newest first, `after` in UNIX seconds, paged by the `next`
 * anchor, the slug of the page's first build), a build's artifacts (paged
 * the same way) and one artifact with its expiring_download_url, which
 * points at the faux storage.  Pages hold at most FAUX_BR_PAGE items
 * whatever limit asks, so the small data spans pages.
 *
 * Scenarios: server-error fails focus-ios's build pages after the first
 * (HTTP 500); malformed answers firefox-ios's builds without their data
 * array; rate-limited as faux_ci_inject().
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/faux_ci.h"
#include "core/banned.h"

#define FAUX_BR_PAGE 3
#define SERVER_ERROR_APP "a2e9b1c7d3f4e605"
#define MALFORMED_APP "6c06d3a40422d10f"

/* True when item passes the `after` filter of target. */
static int after_ok(struct faux *f, const char *target, const json_t *item)
{
	char after[24];
	int64_t ms;

	if (!faux_ci_param(target, "after", after, sizeof(after)) ||
	    timestamp_parse(
		    json_string_value(json_object_get(item, "triggered_at")),
		    &ms) < 0)
		return 1;
	return ms / 1000 + faux_shift_s(f) > strtoll(after, NULL, 10);
}

/* Answers the page of list (filtered by `after`) that `next` asks for. */
static void page(struct faux *f, const char *target, const json_t *list,
		 struct http_response *out)
{
	char next[64], limit_s[16];
	size_t limit = FAUX_BR_PAGE, i, start = 0, total = 0;
	int have_next = faux_ci_param(target, "next", next, sizeof(next));
	json_t *items = json_array(), *item, *paging;
	const char *more = NULL;

	if (faux_ci_param(target, "limit", limit_s, sizeof(limit_s)) &&
	    strtol(limit_s, NULL, 10) > 0 &&
	    (size_t)strtol(limit_s, NULL, 10) < limit)
		limit = (size_t)strtol(limit_s, NULL, 10);
	if (have_next) {
		start = SIZE_MAX;
		json_array_foreach (list, i, item)
			if (!strcmp(json_string_value(
					    json_object_get(item, "slug")),
				    next))
				start = i;
		if (start == SIZE_MAX) {
			json_decref(items);
			faux_error(out, 400, "invalid next anchor");
			return;
		}
	}
	json_array_foreach (list, i, item) {
		if (!after_ok(f, target, item))
			continue;
		total++;
		if (i < start || more)
			continue;
		if (json_array_size(items) == limit) {
			more = json_string_value(json_object_get(item, "slug"));
			continue;
		}
		item = faux_ci_shifted(item, faux_shift_s(f));
		json_object_del(item, "blob");
		json_array_append_new(items, item);
	}
	paging = json_pack("{s:I, s:I}", "total_item_count", (json_int_t)total,
			   "page_item_limit", (json_int_t)limit);
	if (more)
		json_object_set_new(paging, "next", json_string(more));
	faux_ci_json(out,
		     json_pack("{s:o, s:o}", "data", items, "paging", paging));
}

/* One artifact with its download URL. */
static void artifact(struct faux *f, const json_t *list, const char *slug,
		     struct http_response *out)
{
	const json_t *a;
	size_t i;

	json_array_foreach (list, i, a) {
		json_t *copy;

		if (strcmp(json_string_value(json_object_get(a, "slug")), slug))
			continue;
		copy = faux_ci_shifted(a, faux_shift_s(f));
		json_object_set_new(
			copy, "expiring_download_url",
			json_sprintf(
				"/faux-storage/%s",
				json_string_value(json_object_get(a, "blob"))));
		json_object_del(copy, "blob");
		faux_ci_json(out, json_pack("{s:o}", "data", copy));
		return;
	}
	faux_error(out, 404, "Not Found");
}

void faux_bitrise_respond(struct faux *f, const char *rest,
			  struct http_response *out)
{
	const json_t *builds, *arts;
	char *path, *parts[6] = {0}, *p;
	size_t n = 0;
	enum faux_scenario sc = faux_options(f)->scenario;
	char next[64];

	if (faux_ci_inject(f, out) ||
	    !(builds = faux_ci_doc(f, "bitrise/builds", out)) ||
	    !(arts = faux_ci_doc(f, "bitrise/artifacts", out)))
		return;
	path = xstrndup(rest, faux_ci_path_len(rest));
	for (p = path; p && n < 6; n++) {
		parts[n] = p;
		p = strchr(p, '/');
		if (p)
			*p++ = '\0';
	}
	if (p || n < 3 || strcmp(parts[0], "apps") ||
	    strcmp(parts[2], "builds") || !json_object_get(builds, parts[1])) {
		faux_error(out, 404, "Not Found");
	} else if (n == 3) {
		if (sc == FAUX_SERVER_ERROR &&
		    !strcmp(parts[1], SERVER_ERROR_APP) &&
		    faux_ci_param(rest, "next", next, sizeof(next)))
			faux_error(out, 500, "Internal Server Error");
		else if (sc == FAUX_MALFORMED &&
			 !strcmp(parts[1], MALFORMED_APP))
			faux_ci_json(out, json_pack("{s:{s:i}}", "paging",
						    "total_item_count", 8));
		else
			page(f, rest, json_object_get(builds, parts[1]), out);
	} else if (n >= 5 && !strcmp(parts[4], "artifacts")) {
		char *key = xasprintf("%s/%s", parts[1], parts[3]);
		const json_t *list = json_object_get(arts, key);

		free(key);
		if (!list)
			faux_error(out, 404, "Not Found");
		else if (n == 5)
			page(f, rest, list, out);
		else
			artifact(f, list, parts[5], out);
	} else {
		faux_error(out, 404, "Not Found");
	}
	free(path);
}
