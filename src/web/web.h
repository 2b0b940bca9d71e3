/*
 * web.h - what the page writers share (web/ only): the page frame with
 * its navigation, links that work served and exported, tables, the
 * "which command fills this" note, and the two ways a page reads data:
 * a command through the router, or a named query on the store.
 */
#ifndef TESTPUMP_WEB_WEB_H
#define TESTPUMP_WEB_WEB_H

#include <jansson.h>

#include "core/buf.h"
#include "output/svg.h"
#include "web/pages.h"

/*
 * Appends the document's head (stylesheet, icon and script from static/,
 * nothing inline), the navigation with page marked current, and the <h1>
 * title.
 */
void page_begin(const struct web_context *ctx, struct buf *out,
		const struct web_page *page, const char *title);

/* Appends the footer and closes what page_begin() opened. */
void page_end(struct buf *out);

/*
 * Appends the href of the page served at path ("/history"): "history"
 * served, "history.html" exported.  Served, key=value pairs follow as
 * the query (values percent-encoded; a NULL value is skipped); exported
 * pages have no query, so the link shows the page's default view.  The
 * result is attribute-escaped; the caller writes the quotes.
 */
void web_href(const struct web_context *ctx, struct buf *out, const char *path,
	      const char *k1, const char *v1, const char *k2, const char *v2);

/* Appends a paragraph saying the page is empty and the command to run. */
void web_empty(struct buf *out, const char *what, const char *command);

/* Appends a paragraph with a store or command error, escaped. */
void web_error(struct buf *out, const char *what, const char *message);

/*
 * Runs command name (from commands_all[]) with options (a JSON object,
 * stolen) through the router, as the CLI would.  Returns the exit code;
 * *resp is the response or NULL (err_msg() says why).
 */
int web_command(const struct web_context *ctx, const char *name,
		json_t *options, json_t **resp);

/*
 * Runs the named query of web/query.c with nparams text parameters and
 * returns its rows (an array of objects, keys as the columns) in *rows.
 * Returns 0, or -1 with the message set (no database, old schema ...).
 */
int web_query(const struct web_context *ctx, const char *query,
	      const char *const *params, size_t nparams, json_t **rows);

/* The string member key of obj, or "" (never NULL). */
const char *web_str(const json_t *obj, const char *key);

/* The number member key of obj (integer or real), or 0. */
double web_num(const json_t *obj, const char *key);

/*
 * Appends a sortable, filterable table of rows (objects): one column per
 * key of cols (NULL-terminated), headed by the key; numbers right-aligned,
 * every value escaped.  link_key, when not NULL, is a column whose values
 * link to the test history page.
 */
void web_table(const struct web_context *ctx, struct buf *out,
	       const json_t *rows, const char *const *cols,
	       const char *link_key);

/* Appends one cell of a JSON value, escaped (numbers as %g). */
void web_cell(struct buf *out, const json_t *v);

/*
 * A table pivoted for a chart: the distinct x values (sorted), the
 * distinct series (sorted), and values[s * nx + i].  Owns everything.
 */
struct web_pivot {
	char **x, **series;
	size_t nx, nseries;
	double *values;
	struct svg_series *svg; /* nseries, pointing into the above */
};

/*
 * Pivots rows (objects): x from x_key (its first x_len bytes when x_len
 * > 0: 10 for the day of a time), series from series_key (NULL: one
 * series named series_label), summing value_key (NULL: counting rows).
 * Rows whose project_key value differs from project are skipped (either
 * NULL: none skipped).
 */
void web_pivot(struct web_pivot *p, const json_t *rows, const char *x_key,
	       size_t x_len, const char *series_key, const char *series_label,
	       const char *value_key, const char *project_key,
	       const char *project);

/* Frees what web_pivot() allocated and zeroes p. */
void web_pivot_release(struct web_pivot *p);

/*
 * Fills the gaps of a pivot whose x values are days ("YYYY-MM-DD"), so
 * a chart per day shows days without data as empty; leaves other pivots
 * (and spans over 400 days) alone.
 */
void web_pivot_fill_days(struct web_pivot *p);

/* The day number (days since 1970-01-01) of "YYYY-MM-DD..."; -1 if not. */
int web_day_number(const char *s, long *days);

/* Formats day number days as "YYYY-MM-DD" into out. */
void web_day_format(long days, char out[11]);

/* The distinct string values of key in rows, sorted; a NULL-ended array. */
char **web_distinct(const json_t *rows, const char *key);

/* Frees a NULL-ended array of strings and the strings (NULL is ignored). */
void web_strv_free(char **v);

/* The pages' render functions (see struct web_page), one file each. */
int page_overview(const struct web_context *ctx, const struct web_args *args,
		  struct buf *out);
int page_coverage(const struct web_context *ctx, const struct web_args *args,
		  struct buf *out);
int page_runs(const struct web_context *ctx, const struct web_args *args,
	      struct buf *out);
int page_regressions(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out);
int page_aggregation(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out);
int page_history(const struct web_context *ctx, const struct web_args *args,
		 struct buf *out);
int page_flaky(const struct web_context *ctx, const struct web_args *args,
	       struct buf *out);
int page_comparisons(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out);

#endif
