/*
 * jcase.c - one testcase and its attempts (see jcase.h).
 */
#include "ingest/jcase.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "core/banned.h"

/* One flakyFailure, flakyError, rerunFailure or rerunError element. */
struct jcase_retry {
	enum jattr_rank rank;
	/* 1 for rerun* (after the first run), 0 for flaky* (before it). */
	int after;
	struct buf message, type;
	struct captext text, out, err;
	int64_t duration_ms;
};

static const enum junit_status rank_status[] = {
	[JATTR_PASS] = JUNIT_PASS,
	[JATTR_SKIP] = JUNIT_SKIP,
	[JATTR_FAIL] = JUNIT_FAIL,
	[JATTR_ERROR] = JUNIT_ERROR,
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Replaces dst with s (NULL as ""), capped at cap bytes. */
static void set_capped(struct buf *dst, const char *s, size_t cap)
{
	captext_clip(dst, s ? s : "", s ? strlen(s) : 0, cap);
}

/* The first non-blank line of s[0..len), trimmed and capped, into out. */
static const char *first_line(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, end;

	while (i < len && is_space(s[i]))
		i++;
	end = i;
	while (end < len && s[end] != '\n' && s[end] != '\r')
		end++;
	while (end > i && is_space(s[end - 1]))
		end--;
	captext_clip(out, s + i, end - i, JUNIT_MESSAGE_LINE_MAX);
	return out->data;
}

void jcase_init(struct jcase *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	buf_init(&c->classname);
	buf_init(&c->name);
	buf_init(&c->file);
	buf_init(&c->message);
	buf_init(&c->type);
	captext_init(&c->fail_text, JUNIT_TEXT_MAX);
	captext_init(&c->skip_text, JUNIT_TEXT_MAX);
	captext_init(&c->out, JUNIT_TEXT_MAX);
	captext_init(&c->err, JUNIT_TEXT_MAX);
	jprops_init(&c->props);
	for (i = 0; i < ARRAY_SIZE(c->scratch); i++)
		buf_init(&c->scratch[i]);
	c->cur_retry = -1;
}

void jcase_release(struct jcase *c)
{
	size_t i;

	buf_release(&c->classname);
	buf_release(&c->name);
	buf_release(&c->file);
	buf_release(&c->message);
	buf_release(&c->type);
	captext_release(&c->fail_text);
	captext_release(&c->skip_text);
	captext_release(&c->out);
	captext_release(&c->err);
	jprops_release(&c->props);
	for (i = 0; i < ARRAY_SIZE(c->scratch); i++)
		buf_release(&c->scratch[i]);
	for (i = 0; i < c->retries_made; i++) {
		struct jcase_retry *r = c->retries[i];

		buf_release(&r->message);
		buf_release(&r->type);
		captext_release(&r->text);
		captext_release(&r->out);
		captext_release(&r->err);
		free(r);
	}
	free(c->retries);
	jcase_init(c);
}

void jcase_start(struct jcase *c, const char **attrs, int64_t timestamp_ms,
		 unsigned long line, unsigned long column)
{
	const char *classname = jattr_get(attrs, "classname");

	buf_reset(&c->name);
	buf_adds(&c->name, jattr_str(attrs, "name"));
	buf_reset(&c->classname);
	buf_adds(&c->classname,
		 classname ? classname : jattr_str(attrs, "class"));
	buf_reset(&c->file);
	buf_adds(&c->file, jattr_str(attrs, "file"));
	buf_reset(&c->message);
	buf_reset(&c->type);
	c->rank = JATTR_PASS;
	c->attr_rank = jattr_status(jattr_get(attrs, "status"),
				    jattr_get(attrs, "result"));
	c->nfail = 0;
	c->flaky = jattr_true(jattr_get(attrs, "flaky"));
	c->informing = !strcasecmp(jattr_str(attrs, "lifecycle"), "informing");
	c->decide_text = NULL;
	c->decide_off = 0;
	captext_reset(&c->fail_text);
	captext_reset(&c->skip_text);
	captext_reset(&c->out);
	captext_reset(&c->err);
	c->duration_ms = jattr_seconds(jattr_get(attrs, "time"));
	if (c->duration_ms < 0)
		c->duration_ms = jattr_seconds(jattr_get(attrs, "duration"));
	c->timestamp_ms =
		jattr_timestamp(jattr_get(attrs, "timestamp"), timestamp_ms);
	c->line = line;
	c->column = column;
	jprops_reset(&c->props);
	c->nretries = 0;
	c->cur_retry = -1;
}

/* Puts the line that introduces a second or later failure body. */
static void add_separator(struct jcase *c, const char *el, const char *msg)
{
	struct buf *line = &c->scratch[3], *m = &c->scratch[4];

	set_capped(m, msg, JUNIT_MESSAGE_LINE_MAX);
	buf_reset(line);
	buf_addf(line, "\n--- %s %d%s%s ---\n", el, c->nfail,
		 m->len ? ": " : "", m->data);
	captext_add(&c->fail_text, line->data, line->len);
}

struct captext *jcase_result(struct jcase *c, const char *el,
			     const char **attrs)
{
	const char *msg = jattr_get(attrs, "message");
	enum jattr_rank rank = !strcmp(el, "error")	? JATTR_ERROR
			       : !strcmp(el, "failure") ? JATTR_FAIL
							: JATTR_SKIP;
	struct captext *t;

	if (rank == JATTR_SKIP) {
		t = &c->skip_text;
		if (captext_length(t))
			captext_adds(t, "\n");
	} else {
		t = &c->fail_text;
		/* Saturates: a gzip bomb can hold billions of them. */
		if (c->nfail < INT_MAX)
			c->nfail++;
		if (c->nfail > 1)
			add_separator(c, el, msg);
	}
	if (rank > c->rank) {
		c->rank = rank;
		set_capped(&c->message, msg, JUNIT_TEXT_MAX);
		set_capped(&c->type, jattr_get(attrs, "type"), JUNIT_TEXT_MAX);
		c->decide_text = t;
		c->decide_off = captext_length(t);
	}
	return t;
}

/* The next retry slot, allocated the first time it is needed. */
static struct jcase_retry *next_retry(struct jcase *c)
{
	struct jcase_retry *r;

	if (c->nretries == c->retries_made) {
		ALLOC_GROW(c->retries, c->retries_made + 1, c->retries_alloc);
		r = xcalloc(1, sizeof(*r));
		buf_init(&r->message);
		buf_init(&r->type);
		captext_init(&r->text, JUNIT_TEXT_MAX);
		captext_init(&r->out, JUNIT_TEXT_MAX);
		captext_init(&r->err, JUNIT_TEXT_MAX);
		c->retries[c->retries_made++] = r;
	}
	c->cur_retry = (int)c->nretries;
	return c->retries[c->nretries++];
}

struct captext *jcase_retry(struct jcase *c, const char *el, const char **attrs)
{
	struct jcase_retry *r;

	if (c->nretries == JUNIT_MAX_RETRIES)
		return NULL;
	r = next_retry(c);
	r->rank = strstr(el, "Error") ? JATTR_ERROR : JATTR_FAIL;
	r->after = !strncmp(el, "rerun", 5);
	set_capped(&r->message, jattr_get(attrs, "message"), JUNIT_TEXT_MAX);
	set_capped(&r->type, jattr_get(attrs, "type"), JUNIT_TEXT_MAX);
	captext_reset(&r->text);
	captext_reset(&r->out);
	captext_reset(&r->err);
	r->duration_ms = jattr_seconds(jattr_get(attrs, "time"));
	return &r->text;
}

void jcase_retry_end(struct jcase *c)
{
	c->cur_retry = -1;
}

struct captext *jcase_output(struct jcase *c, int in_retry, int is_err)
{
	struct jcase_retry *r;

	if (in_retry && c->cur_retry >= 0) {
		r = c->retries[c->cur_retry];
		return is_err ? &r->err : &r->out;
	}
	return is_err ? &c->err : &c->out;
}

enum jattr_rank jcase_outcome(const struct jcase *c)
{
	return c->rank > c->attr_rank ? c->rank : c->attr_rank;
}

/* Fills the fields a retry attempt does not share with its testcase. */
static void fill_retry(struct jcase *c, struct junit_attempt *a, size_t i)
{
	struct jcase_retry *r = c->retries[i];
	size_t len;
	const char *text = captext_str(&r->text, &c->scratch[0], &len);

	a->status = rank_status[r->rank];
	a->duration_ms = r->duration_ms;
	a->flaky = 1;
	a->retry = (int)i + 1;
	a->message = r->message.len ? r->message.data
				    : first_line(&c->scratch[3], text, len);
	a->type = r->type.data;
	a->text = text;
	a->text_length = captext_length(&r->text);
	a->system_out = captext_str(&r->out, &c->scratch[1], NULL);
	a->system_out_length = captext_length(&r->out);
	a->system_err = captext_str(&r->err, &c->scratch[2], NULL);
	a->system_err_length = captext_length(&r->err);
	a->nfailures = 1;
}

/* Fills the fields of the testcase's own attempt (retry 0). */
static void fill_own(struct jcase *c, struct junit_attempt *a)
{
	enum jattr_rank final = jcase_outcome(c);
	const struct buf *head;
	struct captext *t;

	a->status = rank_status[final];
	a->duration_ms = c->duration_ms;
	a->flaky = c->flaky;
	a->retry = 0;
	a->message = a->type = a->text = "";
	a->text_length = 0;
	/* Children decide unless the attributes said something worse. */
	if (final != JATTR_PASS && c->rank == final) {
		t = final == JATTR_SKIP ? &c->skip_text : &c->fail_text;
		a->text = captext_str(t, &c->scratch[0], NULL);
		a->text_length = captext_length(t);
		a->type = c->type.data;
		a->message = c->message.data;
		head = &c->decide_text->head;
		if (!c->message.len && c->decide_off < head->len)
			a->message = first_line(&c->scratch[3],
						head->data + c->decide_off,
						head->len - c->decide_off);
	}
	a->system_out = captext_str(&c->out, &c->scratch[1], NULL);
	a->system_out_length = captext_length(&c->out);
	a->system_err = captext_str(&c->err, &c->scratch[2], NULL);
	a->system_err_length = captext_length(&c->err);
	a->nfailures = c->nfail;
}

int jcase_deliver(struct jcase *c, const char *suite,
		  int (*on_attempt)(const struct junit_attempt *a, void *ctx),
		  void *ctx)
{
	struct junit_attempt a;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	a.suite = suite;
	a.classname = c->classname.data;
	a.name = c->name.data;
	a.file = c->file.data;
	a.lifecycle_informing = c->informing;
	a.timestamp_ms = c->timestamp_ms;
	a.line = c->line;
	a.column = c->column;
	a.properties = jprops_view(&c->props);
	a.nproperties = c->props.n;
	/* flaky* ran before the final run, rerun* after the first one. */
	for (i = 0; i < c->nretries; i++) {
		if (c->retries[i]->after)
			continue;
		fill_retry(c, &a, i);
		if ((rc = on_attempt(&a, ctx)) != 0)
			return rc;
	}
	fill_own(c, &a);
	if ((rc = on_attempt(&a, ctx)) != 0)
		return rc;
	for (i = 0; i < c->nretries; i++) {
		if (!c->retries[i]->after)
			continue;
		fill_retry(c, &a, i);
		if ((rc = on_attempt(&a, ctx)) != 0)
			return rc;
	}
	return 0;
}
