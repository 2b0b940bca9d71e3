/*
 * junit.c - JUnit XML through expat (see junit.h).
 *
 * The expat callbacks keep a stack of frames, one per open element: its
 * kind, and where its character data goes (a captext, or nowhere).  Unknown
 * elements inherit their parent's destination, so text wrapped in odd
 * markup inside <failure> still counts.  Open suites live on a stack of
 * their own (their output and properties must survive nested suites);
 * there is one testcase at a time (ingest/jcase.h), whose buffers are
 * reset, not freed, at each new testcase, so memory does not grow with the
 * file.
 *
 * Everything is delivered from end-tag handlers: a testcase when it ends
 * (its outcome depends on all its children), a suite when it ends.
 */
#include "ingest/junit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "ingest/captext.h"
#include "ingest/jattr.h"
#include "ingest/jcase.h"
#include "ingest/jprops.h"
#include "ingest/sanitize.h"
#include "core/banned.h"

/* What an open element is to us. */
enum kind {
	K_ROOT, /* the parent of the root element */
	K_OTHER,
	K_TESTSUITES,
	K_TESTSUITE,
	K_TESTCASE,
	K_RESULT, /* failure, error, skipped */
	K_RETRY,  /* flakyFailure, flakyError, rerunFailure, rerunError */
	K_OUTPUT, /* system-out, system-err */
	K_PROPERTIES,
	K_PROPERTY,
};

struct frame {
	enum kind kind;
	struct captext *dest;
};

struct suite {
	/* Length of the path before this suite's name was added. */
	size_t path_len;
	struct buf name, hostname;
	int64_t timestamp_ms, duration_ms;
	/* tests, failures, errors, skipped: counted, then from the header */
	int64_t count[4], header[4];
	struct jprops props;
	struct captext out, err;
	unsigned long line, column;
};

struct jp {
	XML_Parser xml;
	const char *name;
	const struct junit_handler *h;
	struct sanitize san;
	struct frame frames[JUNIT_MAX_DEPTH];
	size_t depth;
	struct suite **suites;
	size_t nsuites, suites_made, suites_alloc;
	struct buf path;
	struct jcase tc;
	int64_t root_timestamp;
	/* The <property> being read. */
	struct jprops *prop_owner;
	struct buf prop_name, prop_value;
	int prop_has_value;
	struct captext prop_text;
	/* Joined texts handed to on_suite, and a spare. */
	struct buf scratch[2], tmp;
	/* Whether anything but white space (and a BOM) has come in. */
	int nonblank;
	uint64_t offset;
	/* Whether expat has been given bytes yet. */
	int started;
	/* Set once the parse must end: a callback's value, or our refusal. */
	int stopped, cb_rc;
	char *fail;
	int fail_positional;
	unsigned long fail_line, fail_column;
};

const char *junit_status_name(enum junit_status status)
{
	switch (status) {
	case JUNIT_PASS:
		return "pass";
	case JUNIT_FAIL:
		return "fail";
	case JUNIT_ERROR:
		return "error";
	case JUNIT_SKIP:
		return "skip";
	}
	return "unknown";
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- stopping -------------------------------------------------------- */

static void stop(struct jp *p, int rc)
{
	p->cb_rc = rc;
	p->stopped = 1;
	XML_StopParser(p->xml, XML_FALSE);
}

/* Ends the parse with a message about the document; positional adds
 * FILE:LINE:COLUMN in front of it in err_msg(). */
__attribute__((format(printf, 3, 4))) static void
refuse(struct jp *p, int positional, const char *fmt, ...)
{
	va_list ap;

	if (p->stopped)
		return;
	va_start(ap, fmt);
	p->fail = xvasprintf(fmt, ap);
	va_end(ap);
	p->fail_positional = positional;
	p->fail_line = XML_GetCurrentLineNumber(p->xml);
	p->fail_column = XML_GetCurrentColumnNumber(p->xml) + 1;
	p->stopped = 1;
	XML_StopParser(p->xml, XML_FALSE);
}

/* ---- suites ---------------------------------------------------------- */

static struct suite *top_suite(struct jp *p)
{
	return p->nsuites ? p->suites[p->nsuites - 1] : NULL;
}

/* The timestamp a new element inherits from where it is. */
static int64_t inherited_timestamp(struct jp *p)
{
	struct suite *s = top_suite(p);

	return s ? s->timestamp_ms : p->root_timestamp;
}

static void suite_start(struct jp *p, const XML_Char **attrs)
{
	static const char *const header[4] = {"tests", "failures", "errors",
					      "skipped"};
	const char *name = jattr_str(attrs, "name");
	struct suite *s;
	size_t i;

	if (p->nsuites == p->suites_made) {
		ALLOC_GROW(p->suites, p->suites_made + 1, p->suites_alloc);
		s = xcalloc(1, sizeof(*s));
		buf_init(&s->name);
		buf_init(&s->hostname);
		jprops_init(&s->props);
		captext_init(&s->out, JUNIT_TEXT_MAX);
		captext_init(&s->err, JUNIT_TEXT_MAX);
		p->suites[p->suites_made++] = s;
	}
	s = p->suites[p->nsuites];
	s->timestamp_ms = jattr_timestamp(jattr_get(attrs, "timestamp"),
					  inherited_timestamp(p));
	p->nsuites++;
	s->path_len = p->path.len;
	if (*name) {
		if (p->path.len)
			buf_addch(&p->path, '/');
		buf_adds(&p->path, name);
	}
	buf_reset(&s->name);
	buf_adds(&s->name, name);
	buf_reset(&s->hostname);
	buf_adds(&s->hostname, jattr_str(attrs, "hostname"));
	s->duration_ms = jattr_seconds(jattr_get(attrs, "time"));
	for (i = 0; i < 4; i++) {
		s->count[i] = 0;
		s->header[i] = jattr_count(jattr_get(attrs, header[i]));
	}
	if (s->header[3] < 0)
		s->header[3] = jattr_count(jattr_get(attrs, "skip"));
	jprops_reset(&s->props);
	captext_reset(&s->out);
	captext_reset(&s->err);
	s->line = XML_GetCurrentLineNumber(p->xml);
	s->column = XML_GetCurrentColumnNumber(p->xml) + 1;
}

static void suite_end(struct jp *p)
{
	struct suite *s = top_suite(p);
	struct junit_suite js;
	int rc = 0;

	if (p->h->on_suite) {
		js.path = p->path.data;
		js.name = s->name.data;
		js.hostname = s->hostname.data;
		js.timestamp_ms = s->timestamp_ms;
		js.duration_ms = s->duration_ms;
		js.tests = s->count[0];
		js.failures = s->count[1];
		js.errors = s->count[2];
		js.skipped = s->count[3];
		js.header_tests = s->header[0];
		js.header_failures = s->header[1];
		js.header_errors = s->header[2];
		js.header_skipped = s->header[3];
		js.properties = jprops_view(&s->props);
		js.nproperties = s->props.n;
		js.properties_dropped = s->props.dropped;
		js.system_out = captext_str(&s->out, &p->scratch[0], NULL);
		js.system_out_length = captext_length(&s->out);
		js.system_err = captext_str(&s->err, &p->scratch[1], NULL);
		js.system_err_length = captext_length(&s->err);
		js.line = s->line;
		js.column = s->column;
		rc = p->h->on_suite(&js, p->h->ctx);
	}
	buf_truncate(&p->path, s->path_len);
	p->nsuites--;
	if (rc)
		stop(p, rc);
}

/* ---- testcases ------------------------------------------------------- */

/* Where a <system-out> or <system-err> under parent goes. */
static struct captext *output_dest(struct jp *p, const char *el,
				   enum kind parent)
{
	int is_err = !strcmp(el, "system-err");
	struct suite *s = top_suite(p);

	if (parent == K_TESTSUITE)
		return is_err ? &s->err : &s->out;
	return jcase_output(&p->tc, parent == K_RETRY, is_err);
}

/* A testcase ends: count it in every open suite, deliver its attempts. */
static void case_end(struct jp *p)
{
	enum jattr_rank final = jcase_outcome(&p->tc);
	size_t i;
	int rc;

	for (i = 0; i < p->nsuites; i++) {
		struct suite *s = p->suites[i];

		s->count[0]++;
		s->count[1] += final == JATTR_FAIL;
		s->count[2] += final == JATTR_ERROR;
		s->count[3] += final == JATTR_SKIP;
	}
	if (!p->h->on_attempt)
		return;
	rc = jcase_deliver(&p->tc, p->path.data, p->h->on_attempt, p->h->ctx);
	if (rc)
		stop(p, rc);
}

/* ---- properties ------------------------------------------------------ */

static struct captext *property_start(struct jp *p, const XML_Char **attrs,
				      enum kind owner)
{
	const char *value = jattr_get(attrs, "value");

	p->prop_owner =
		owner == K_TESTCASE ? &p->tc.props : &top_suite(p)->props;
	buf_reset(&p->prop_name);
	buf_adds(&p->prop_name, jattr_str(attrs, "name"));
	p->prop_has_value = value != NULL;
	if (value) {
		captext_clip(&p->prop_value, value, strlen(value),
			     JUNIT_TEXT_MAX);
		return NULL;
	}
	captext_reset(&p->prop_text);
	return &p->prop_text;
}

static void property_end(struct jp *p)
{
	const char *v = p->prop_value.data;
	size_t len = p->prop_value.len;

	if (!p->prop_has_value) {
		v = captext_str(&p->prop_text, &p->tmp, &len);
		while (len && is_space(*v))
			v++, len--;
		while (len && is_space(v[len - 1]))
			len--;
	}
	jprops_add(p->prop_owner, p->prop_name.data, v, len);
}

/* ---- expat callbacks ------------------------------------------------- */

/*
 * Checks the root element; refuses other test result formats by name.
 * Returns 1 when the document is refused.
 */
static int check_root(struct jp *p, const char *el)
{
	static const struct {
		const char *root, *what;
	} foreign[] = {
		{"test-run", "an NUnit 3"},	 {"test-suite", "an NUnit 3"},
		{"test-results", "an NUnit 2"},	 {"assemblies", "an xUnit.net"},
		{"assembly", "an xUnit.net v1"}, {"TestRun", "an MSTest TRX"},
	};
	size_t i;

	if (!strcmp(el, "testsuites") || !strcmp(el, "testsuite") ||
	    !strcmp(el, "testcase"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(foreign); i++) {
		if (!strcmp(el, foreign[i].root)) {
			refuse(p, 0, "'%s' is %s result file, not JUnit XML",
			       p->name, foreign[i].what);
			return 1;
		}
	}
	refuse(p, 0, "'%s' is not JUnit XML (root element '%.64s')", p->name,
	       el);
	return 1;
}

/* What element el is, given its parent. */
static enum kind classify(const char *el, enum kind parent)
{
	switch (parent) {
	case K_ROOT:
	case K_TESTSUITES:
	case K_TESTSUITE:
		if (!strcmp(el, "testcase"))
			return K_TESTCASE;
		if (!strcmp(el, "testsuite"))
			return K_TESTSUITE;
		if (!strcmp(el, "testsuites"))
			return K_TESTSUITES;
		break;
	case K_TESTCASE:
		if (!strcmp(el, "failure") || !strcmp(el, "error") ||
		    !strcmp(el, "skipped"))
			return K_RESULT;
		if (!strcmp(el, "flakyFailure") || !strcmp(el, "flakyError") ||
		    !strcmp(el, "rerunFailure") || !strcmp(el, "rerunError"))
			return K_RETRY;
		break;
	default:
		break;
	}
	if (parent == K_TESTCASE || parent == K_TESTSUITE || parent == K_RETRY)
		if (!strcmp(el, "system-out") || !strcmp(el, "system-err"))
			return K_OUTPUT;
	if ((parent == K_TESTCASE || parent == K_TESTSUITE) &&
	    !strcmp(el, "properties"))
		return K_PROPERTIES;
	if (parent == K_PROPERTIES && !strcmp(el, "property"))
		return K_PROPERTY;
	return K_OTHER;
}

static void XMLCALL on_start(void *data, const XML_Char *el,
			     const XML_Char **attrs)
{
	struct jp *p = data;
	enum kind parent = p->depth ? p->frames[p->depth - 1].kind : K_ROOT;
	struct frame f;

	if (p->stopped)
		return;
	if (p->depth == JUNIT_MAX_DEPTH) {
		refuse(p, 1, "elements nested deeper than %d", JUNIT_MAX_DEPTH);
		return;
	}
	if (!p->depth && check_root(p, el))
		return;
	f.kind = classify(el, parent);
	f.dest = p->depth ? p->frames[p->depth - 1].dest : NULL;
	switch (f.kind) {
	case K_TESTSUITES:
		if (!p->depth)
			p->root_timestamp = jattr_timestamp(
				jattr_get(attrs, "timestamp"), -1);
		break;
	case K_TESTSUITE:
		suite_start(p, attrs);
		f.dest = NULL;
		break;
	case K_TESTCASE:
		jcase_start(&p->tc, attrs, inherited_timestamp(p),
			    XML_GetCurrentLineNumber(p->xml),
			    XML_GetCurrentColumnNumber(p->xml) + 1);
		f.dest = NULL;
		break;
	case K_RESULT:
		f.dest = jcase_result(&p->tc, el, attrs);
		break;
	case K_RETRY:
		f.dest = jcase_retry(&p->tc, el, attrs);
		if (!f.dest)
			f.kind = K_OTHER;
		break;
	case K_OUTPUT:
		f.dest = output_dest(p, el, parent);
		break;
	case K_PROPERTIES:
		f.dest = NULL;
		break;
	case K_PROPERTY:
		f.dest = property_start(p, attrs, p->frames[p->depth - 2].kind);
		break;
	default:
		break;
	}
	p->frames[p->depth++] = f;
}

static void XMLCALL on_end(void *data, const XML_Char *el)
{
	struct jp *p = data;

	(void)el;
	if (p->stopped || !p->depth)
		return;
	switch (p->frames[--p->depth].kind) {
	case K_TESTSUITE:
		suite_end(p);
		break;
	case K_TESTCASE:
		case_end(p);
		break;
	case K_RETRY:
		jcase_retry_end(&p->tc);
		break;
	case K_PROPERTY:
		property_end(p);
		break;
	default:
		break;
	}
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
	struct jp *p = data;
	struct captext *dest;

	if (p->stopped || !p->depth)
		return;
	dest = p->frames[p->depth - 1].dest;
	if (dest)
		captext_add(dest, s, (size_t)len);
}

static void XMLCALL on_doctype(void *data, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	refuse(data, 1,
	       "DOCTYPE refused: JUnit XML has none, and entities "
	       "are never expanded or loaded");
}

/* Never reached while DOCTYPEs are refused; kept as a second lock. */
static void XMLCALL on_entity(void *data, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_length,
			      const XML_Char *base, const XML_Char *sysid,
			      const XML_Char *pubid, const XML_Char *notation)
{
	(void)is_param;
	(void)value;
	(void)value_length;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	refuse(data, 1, "entity declaration '%.64s' refused", name);
}

/* ---- driving --------------------------------------------------------- */

static const XML_Memory_Handling_Suite xml_memory = {xmalloc, xrealloc, free};

static struct jp *jp_new(const char *name, const struct junit_handler *h)
{
	struct jp *p = xcalloc(1, sizeof(*p));
	size_t i;

	p->xml = XML_ParserCreate_MM(NULL, &xml_memory, NULL);
	if (!p->xml) {
		/* Only on out of memory, which xmalloc has already caught. */
		abort();
	}
	XML_SetUserData(p->xml, p);
	XML_SetElementHandler(p->xml, on_start, on_end);
	XML_SetCharacterDataHandler(p->xml, on_text);
	XML_SetStartDoctypeDeclHandler(p->xml, on_doctype);
	XML_SetEntityDeclHandler(p->xml, on_entity);
	XML_SetParamEntityParsing(p->xml, XML_PARAM_ENTITY_PARSING_NEVER);
	p->name = name;
	p->h = h;
	p->root_timestamp = -1;
	sanitize_init(&p->san);
	buf_init(&p->path);
	buf_init(&p->prop_name);
	buf_init(&p->prop_value);
	captext_init(&p->prop_text, JUNIT_TEXT_MAX);
	for (i = 0; i < ARRAY_SIZE(p->scratch); i++)
		buf_init(&p->scratch[i]);
	buf_init(&p->tmp);
	jcase_init(&p->tc);
	return p;
}

static void suite_free(struct suite *s)
{
	buf_release(&s->name);
	buf_release(&s->hostname);
	jprops_release(&s->props);
	captext_release(&s->out);
	captext_release(&s->err);
	free(s);
}

static void jp_free(struct jp *p)
{
	size_t i;

	XML_ParserFree(p->xml);
	for (i = 0; i < p->suites_made; i++)
		suite_free(p->suites[i]);
	free(p->suites);
	jcase_release(&p->tc);
	buf_release(&p->path);
	buf_release(&p->prop_name);
	buf_release(&p->prop_value);
	captext_release(&p->prop_text);
	for (i = 0; i < ARRAY_SIZE(p->scratch); i++)
		buf_release(&p->scratch[i]);
	buf_release(&p->tmp);
	free(p->fail);
	free(p);
}

/* Records a rejection in err and in the error message; returns -1. */
static int reject(const char *name, struct junit_error *err, unsigned long line,
		  unsigned long column, const char *msg, int positional)
{
	if (err) {
		junit_error_release(err);
		err->file = xstrdup(name);
		err->line = line;
		err->column = column;
		err->message = xstrdup(msg);
	}
	if (positional)
		return err_set("%s:%lu:%lu: %s", name, line, column, msg);
	return err_set("%s", msg);
}

/* Why XML_ParseBuffer() failed: a callback, a refusal, or the XML. */
static int jp_failed(struct jp *p, struct junit_error *err)
{
	enum XML_Error code = XML_GetErrorCode(p->xml);

	if (p->cb_rc)
		return p->cb_rc;
	if (p->fail)
		return reject(p->name, err, p->fail_line, p->fail_column,
			      p->fail, p->fail_positional);
	/* Nothing but white space: zero tests, not an error. */
	if (code == XML_ERROR_NO_ELEMENTS && !p->nonblank)
		return 0;
	return reject(p->name, err, XML_GetErrorLineNumber(p->xml),
		      XML_GetErrorColumnNumber(p->xml) + 1,
		      XML_ErrorString(code), 1);
}

/* Notes whether data holds anything but white space and a leading BOM. */
static void note_blank(struct jp *p, const char *data, size_t len)
{
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	size_t i;

	for (i = 0; i < len && !p->nonblank; i++, p->offset++) {
		unsigned char c = (unsigned char)data[i];

		if (p->offset < 3 && c == bom[p->offset])
			continue;
		if (!is_space((char)c))
			p->nonblank = 1;
	}
}

/* Sanitizes and parses len (<= JUNIT_CHUNK) bytes; final at the end.
 * Returns 0 to go on, or the parse's result. */
static int jp_feed(struct jp *p, const char *data, size_t len, int final,
		   struct junit_error *err)
{
	char *b;
	size_t n;

	note_blank(p, data, len);
	b = XML_GetBuffer(p->xml, (int)SANITIZE_OUT_MAX(len));
	if (!b)
		return jp_failed(p, err);
	n = sanitize_feed(&p->san, data, len, b);
	if (final)
		n += sanitize_finish(&p->san, b + n);
	/*
	 * "utf8" is not a name expat knows.  The declaration is in the first
	 * chunk, and expat takes an override only before it starts.
	 */
	if (!p->started && !strcmp(p->san.encoding, "utf8"))
		XML_SetEncoding(p->xml, "UTF-8");
	p->started = 1;
	if (XML_ParseBuffer(p->xml, (int)n, final) != XML_STATUS_OK)
		return jp_failed(p, err);
	return 0;
}

int junit_parse_memory(const char *name, const char *data, size_t len,
		       const struct junit_handler *h, struct junit_error *err)
{
	struct jp *p;
	size_t off = 0, n;
	int rc = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	p = jp_new(name, h);
	while (!rc && off < len) {
		n = len - off < JUNIT_CHUNK ? len - off : JUNIT_CHUNK;
		rc = jp_feed(p, data + off, n, 0, err);
		off += n;
	}
	if (!rc)
		rc = jp_feed(p, "", 0, 1, err);
	jp_free(p);
	return rc;
}

/*
 * Why gzread() returned n: NULL when all is well (data, or the end), else
 * a message.  A gzip stream cut short reads as a short file; zlib only
 * says so in its error state.
 */
static const char *gz_problem(gzFile gz, int n)
{
	int zerr = Z_OK;
	const char *msg = gzerror(gz, &zerr);

	if (n < 0)
		return zerr == Z_ERRNO ? strerror(errno) : msg;
	if (!n && zerr == Z_BUF_ERROR)
		return "unexpected end of gzip stream";
	return NULL;
}

/* Reads the open gz stream to the end through a new parser. */
static int parse_gz(gzFile gz, const char *name, const struct junit_handler *h,
		    struct junit_error *err)
{
	char *chunk = xmalloc(JUNIT_CHUNK);
	struct jp *p = jp_new(name, h);
	const char *why;
	int n, rc;

	for (;;) {
		n = gzread(gz, chunk, JUNIT_CHUNK);
		why = gz_problem(gz, n);
		if (why) {
			buf_reset(&p->tmp);
			buf_addf(&p->tmp, "cannot read '%s': %s", name, why);
			rc = reject(name, err, 0, 0, p->tmp.data, 0);
			break;
		}
		rc = jp_feed(p, chunk, (size_t)n, !n, err);
		if (rc || !n)
			break;
	}
	jp_free(p);
	free(chunk);
	return rc;
}

int junit_parse_path(const char *path, const struct junit_handler *h,
		     struct junit_error *err)
{
	int is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "<stdin>" : path;
	char *msg;
	gzFile gz;
	int fd, rc;

	if (err)
		memset(err, 0, sizeof(*err));
	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg = xasprintf("cannot open '%s': %s", name, strerror(errno));
		goto fail;
	}
	/* gzread() passes input that is not gzip through unchanged. */
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		msg = xasprintf("cannot read '%s': out of memory", name);
		goto fail;
	}
	gzbuffer(gz, JUNIT_CHUNK);
	rc = parse_gz(gz, name, h, err);
	gzclose(gz);
	return rc;
fail:
	rc = reject(name, err, 0, 0, msg, 0);
	free(msg);
	return rc;
}

void junit_error_release(struct junit_error *err)
{
	free(err->file);
	free(err->message);
	memset(err, 0, sizeof(*err));
}
