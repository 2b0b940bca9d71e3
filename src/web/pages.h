/*
 * pages.h - the dashboard's pages, rendered to HTML in memory: the one
 * contract between the page writers (web/) and the two things that show
 * them, `testpump serve` (server/) and `testpump export html` (commands/).
 *
 * A page reads what it shows by running commands through the router
 * (api_route(), the same JSON the CLI prints) or, for what no command
 * gives, the store's views; it draws charts with output/svg.h.  Every
 * string from CI data is escaped for HTML and SVG.  An empty page says
 * which command fills it.  Pages link to each other with relative URLs
 * ("history?test=..." served, "history.html" exported) and load only the
 * static assets below, so a Content-Security-Policy of default-src 'self'
 * holds.
 */
#ifndef TESTPUMP_WEB_PAGES_H
#define TESTPUMP_WEB_PAGES_H

#include <stddef.h>

#include "api/api.h"
#include "core/buf.h"

/* The query arguments of one request, decoded; at most WEB_ARGS_MAX. */
#define WEB_ARGS_MAX 16
struct web_args {
	size_t n;
	const char *keys[WEB_ARGS_MAX];
	const char *values[WEB_ARGS_MAX];
};

/* The value of argument key, or NULL. */
const char *web_arg(const struct web_args *args, const char *key);

/* How a page is being rendered. */
struct web_context {
	const struct api_env *env; /* the database and config to read */
	int exported;		   /* static files: links end in .html */
};

struct web_page {
	const char *path;  /* "/", "/history": what `serve` answers */
	const char *file;  /* "index.html", "history.html": export name */
	const char *title; /* "Test history": the navigation's label */
	/*
	 * Appends one complete HTML document to out.  Returns 200, 404 for
	 * an argument that names nothing (unknown test, job ...), 400 for a
	 * malformed argument (the page then explains it), or -1 with the
	 * message set when the store cannot be read.
	 */
	int (*render)(const struct web_context *ctx,
		      const struct web_args *args, struct buf *out);
};

/* Every page, in navigation order; ends with a NULL path. */
extern const struct web_page web_pages[];

/* The page served at path ("/history"), or NULL. */
const struct web_page *web_page_find(const char *path);

/* One static file the pages load ("/static/app.js"). */
struct web_asset {
	const char *path;
	const char *content_type;
	const char *data;
	size_t len;
};

/* Every static asset; ends with a NULL path. */
extern const struct web_asset web_assets[];

/* The asset served at path, exactly (no normalisation), or NULL. */
const struct web_asset *web_asset_find(const char *path);

#endif
