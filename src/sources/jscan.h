/*
 * jscan.h - a fast, in-place JSON reader for upstream pages.
 *
 * jansson builds a hash table per object and a heap block per value: a
 * TestRail page of 250 cases (110 kB, 6,500 values) takes it about 5 ms,
 * which made JSON decoding most of a pump.  jscan reads the same page in a
 * fraction of a millisecond: it parses the text where it lies (strings are
 * unescaped in place and NUL-terminated where their closing quote was)
 * into one flat array of nodes in document order, reused from page to
 * page, with no allocation per value.
 *
 * Nodes are numbered; node 0 is a sentinel of type JSCAN_NONE that every
 * failed lookup returns, so lookups chain without checks
 * (jscan_int(j, jscan_get(j, jscan_get(j, root, "a"), "b"), -1)).  The
 * root is jscan_root().  Objects are small (a few dozen members) and
 * looked up by a linear scan.
 *
 * Ownership: the text belongs to the caller and must outlive the nodes;
 * parsing changes it.  jscan_to_json() copies a subtree into jansson for
 * code that wants a json_t (small lists, error bodies).
 */
#ifndef TESTPUMP_SOURCES_JSCAN_H
#define TESTPUMP_SOURCES_JSCAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum jscan_type {
	JSCAN_NONE = 0, /* the sentinel: absent */
	JSCAN_NULL,
	JSCAN_FALSE,
	JSCAN_TRUE,
	JSCAN_INT,
	JSCAN_REAL,
	JSCAN_STRING,
	JSCAN_ARRAY,
	JSCAN_OBJECT,
};

struct jscan_node {
	const char *key; /* member name in an object, NUL-terminated */
	const char *str; /* JSCAN_STRING: the text, NUL-terminated */
	int64_t i;	 /* INT: the value; STRING: its length; ARRAY and
			    OBJECT: how many children */
	double d;	 /* JSCAN_REAL */
	uint32_t end;	 /* the index just past this node's subtree */
	uint8_t type;	 /* enum jscan_type */
};

/* A parsed document; zero-initialised or jscan_init() before use. */
struct jscan {
	struct jscan_node *nodes;
	uint32_t n, cap;
	/* After a failed parse: what is wrong, and where (from 1). */
	char error[96];
	int line, column;
};

/* Sets j empty. */
void jscan_init(struct jscan *j);

/* Frees j's nodes and leaves it empty and reusable. */
void jscan_release(struct jscan *j);

/*
 * Parses text[0..len-1], which must be followed by a NUL (struct buf
 * guarantees it), in place: the previous document of j is dropped.
 * Returns 0, or -1 with j->error, j->line and j->column set (the global
 * message is not touched; the caller names the endpoint).
 */
int jscan_parse(struct jscan *j, char *text, size_t len);

/* The root value of the last document parsed. */
static inline uint32_t jscan_root(const struct jscan *j)
{
	return j->n > 1 ? 1 : 0;
}

/* The type of node v (JSCAN_NONE for 0 or out of range). */
static inline enum jscan_type jscan_type(const struct jscan *j, uint32_t v)
{
	return v < j->n ? (enum jscan_type)j->nodes[v].type : JSCAN_NONE;
}

/* The member called key of object obj, or 0. */
uint32_t jscan_get(const struct jscan *j, uint32_t obj, const char *key);

/* The first child of an array or object v, or 0. */
static inline uint32_t jscan_first(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) >= JSCAN_ARRAY && j->nodes[v].i > 0 ? v + 1 : 0;
}

/* The child after child c of container v, or 0. */
static inline uint32_t jscan_next(const struct jscan *j, uint32_t v, uint32_t c)
{
	return j->nodes[c].end < j->nodes[v].end ? j->nodes[c].end : 0;
}

/* How many children array or object v has; 0 for other types. */
static inline size_t jscan_size(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) >= JSCAN_ARRAY ? (size_t)j->nodes[v].i : 0;
}

/* The integer v, or def when v is not an integer. */
static inline int64_t jscan_int(const struct jscan *j, uint32_t v, int64_t def)
{
	return jscan_type(j, v) == JSCAN_INT ? j->nodes[v].i : def;
}

/* The string v (borrowed, NUL-terminated), or NULL. */
static inline const char *jscan_str(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) == JSCAN_STRING ? j->nodes[v].str : NULL;
}

/* Whether v is true. */
static inline int jscan_true(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) == JSCAN_TRUE;
}

/* A new jansson copy of node v (json_null() for the sentinel). */
json_t *jscan_to_json(const struct jscan *j, uint32_t v);

#endif
