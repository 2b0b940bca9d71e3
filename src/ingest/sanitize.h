/*
 * sanitize.h - a streaming filter that makes real-world XML bytes
 * acceptable to expat.
 *
 * Test output is full of characters XML 1.0 forbids: ANSI colour escapes
 * (raw 0x1b bytes, or "&#x1b;" and "&#27;" written by a careful
 * serialiser), NUL bytes, form feeds, and bytes that are not UTF-8.
 * expat stops at the first one ("not well-formed (invalid token)"), which
 * would lose every testcase after it.  This filter sits between the reader
 * and expat and rewrites, in the byte stream:
 *
 *	a C0 control byte other than TAB, LF and CR -> U+FFFD (EF BF BD)
 *	a character reference ("&#27;", "&#x1B;", "&#0;", "&#xFFFF;",
 *	"&#xD800;" ...) to a character XML 1.0 forbids -> "&#xFFFD;"
 *	in a UTF-8 document: each maximal ill-formed UTF-8 subsequence
 *	(stray continuation bytes, overlong forms, surrogates, truncated
 *	sequences) and U+FFFE/U+FFFF -> U+FFFD
 *
 * Everything else passes unchanged.  References are rewritten wherever they
 * appear, CDATA sections and comments included, where the text merely
 * changes from "&#x1b;" to "&#xFFFD;".
 *
 * The encoding comes from the start of the input: a UTF-16 byte order mark
 * (or a "<" followed or preceded by a NUL byte) turns the filter into a
 * plain copy; an XML declaration naming an encoding other than UTF-8
 * ("utf8" counts as UTF-8) turns off the UTF-8 repair, so ISO-8859-1 bytes
 * survive.  The name found is left in s->encoding, so that the parser can
 * tell expat that "utf8", a label it does not know, means UTF-8.  Control
 * bytes are replaced in every ASCII-compatible encoding; in a non-UTF-8
 * document the three bytes of U+FFFD then read as three other characters,
 * which is harmless.
 *
 * The output is the same however the input is split: a reference, a UTF-8
 * sequence or a byte order mark cut between two sanitize_feed() calls is
 * handled as if it had come in one piece.  The filter owns no memory.
 */
#ifndef TESTPUMP_INGEST_SANITIZE_H
#define TESTPUMP_INGEST_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

/* Longest "&#...;" reference recognised; longer ones pass unchanged. */
#define SANITIZE_REF_MAX 24
/* Longest XML declaration read for its encoding. */
#define SANITIZE_DECL_MAX 128

/*
 * Bytes of output sanitize_feed() may write for len bytes of input (a byte
 * can become three, and up to SANITIZE_REF_MAX + 8 bytes held back from
 * earlier calls can come out at once); also enough for sanitize_finish()
 * with len 0.
 */
#define SANITIZE_OUT_MAX(len) (3 * (size_t)(len) + 2 * SANITIZE_REF_MAX + 16)

struct sanitize {
	/* SANITIZE_* state and mode, see sanitize.c. */
	int state;
	int mode;
	/* Still reading the XML declaration for its encoding. */
	int sniffing;
	/* The encoding the XML declaration names, lower-cased; "" while
	 * unknown or when there is none. */
	char encoding[32];
	char decl[SANITIZE_DECL_MAX];
	size_t ndecl;
	/* The first byte, held until the second says whether it is UTF-16. */
	unsigned char held;
	/* A character reference under way: its bytes and value so far. */
	unsigned char ref[SANITIZE_REF_MAX];
	size_t nref;
	uint32_t ref_value;
	int ref_hex;
	/* A UTF-8 sequence under way: its bytes, total length, next range. */
	unsigned char u8[4];
	size_t nu8, u8len;
	unsigned char u8lo, u8hi;
	/* Characters replaced so far, for messages and tests. */
	uint64_t replaced;
};

/* Sets s to the start of a new document; s holds no allocated memory. */
void sanitize_init(struct sanitize *s);

/*
 * Filters len bytes at in and writes the result to out, which must have
 * room for SANITIZE_OUT_MAX(len) bytes.  Bytes that may still turn out to
 * be part of a reference or a UTF-8 sequence are kept in s and come out
 * later.  Returns the number of bytes written.
 */
size_t sanitize_feed(struct sanitize *s, const char *in, size_t len, char *out);

/*
 * Writes out whatever s still holds (an unfinished reference unchanged, an
 * unfinished UTF-8 sequence as U+FFFD) at the end of the input; out must
 * have room for SANITIZE_OUT_MAX(0) bytes.  Returns the number of bytes
 * written; s is then spent until sanitize_init().
 */
size_t sanitize_finish(struct sanitize *s, char *out);

#endif
