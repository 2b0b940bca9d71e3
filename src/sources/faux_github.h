/*
 * faux_github.h - what the faux GitHub's two parts share: faux_github.c
 * (routing, scenarios, issue search) and faux_github_runs.c (workflow
 * runs, attempts, jobs, artifacts and their archives).
 */
#ifndef TESTPUMP_SOURCES_FAUX_GITHUB_H
#define TESTPUMP_SOURCES_FAUX_GITHUB_H

#include <stdint.h>

#include "sources/faux_internal.h"
#include "sources/faux_util.h"

#define GH_ROOT "/api/v3"
#define GH_CAP 1000

/* One generated repository. */
struct gh_repo {
	const char *name;
	int64_t issues; /* issues generated */
	int64_t runs;	/* workflow runs in the last 14 days */
	int64_t run_base;
	const char *workflows[3];
};

/* Sets out to status and GitHub's {"message": ...}. */
void faux_gh_error(struct http_response *out, long status, const char *message);

/*
 * Adds the Link header of page `page` (per items a page) of a list
 * handing out `served` items, at path (after the API root) with q's
 * parameters but page.
 */
void faux_gh_link(struct http_response *out, const char *path,
		  const struct fq *q, int64_t page, int64_t per,
		  int64_t served);

/* The repository whose generated runs hold run id, or NULL. */
const struct gh_repo *faux_gh_repo_of_run(int64_t id);

/*
 * Answers "actions/..." of repository r (rest is the path after
 * "repos/OWNER/REPO/"), or a "_blobs/..." archive when r is NULL.
 * today is midnight UTC of the data's today (seconds).
 */
void faux_github_runs(const struct gh_repo *r, const char *rest,
		      const struct fq *q, int64_t today,
		      struct http_response *out);

#endif
