/*
 * err.h - the error message of the current thread.
 *
 * A function that fails returns a negative int and sets the message once,
 * where the failure is understood:
 *
 *	if (!fp)
 *		return err_set("cannot open '%s': %s", path, strerror(errno));
 *
 * Callers pass the negative value up untouched (or add context with
 * err_prefix()); the router prints err_msg() and decides the exit code.
 * Messages are lower-case, name their subject in quotes, and end without a
 * full stop, as git's do.
 */
#ifndef TESTPUMP_CORE_ERR_H
#define TESTPUMP_CORE_ERR_H

/* Replaces the message; returns -1 so it can be returned directly. */
int err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Puts "<formatted>: " before the current message; returns -1. */
int err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The current message, "" if none; valid until the next err_ call. */
const char *err_msg(void);

/* Forgets the current message. */
void err_clear(void);

#endif
