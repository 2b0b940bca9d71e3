/*
 * err.c - one thread-local error message.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/banned.h"

static _Thread_local struct buf msg = BUF_INIT;

/*
 * Both functions format into a fresh buffer before dropping the old
 * message, so the old message may be one of the arguments:
 * err_set("cannot load plugin: %s", err_msg()).
 */
int err_set(const char *fmt, ...)
{
	struct buf fresh = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&fresh, fmt, ap);
	va_end(ap);
	buf_release(&msg);
	msg = fresh;
	return -1;
}

int err_prefix(const char *fmt, ...)
{
	struct buf joined = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&joined, fmt, ap);
	va_end(ap);
	if (msg.len) {
		buf_adds(&joined, ": ");
		buf_add(&joined, msg.data, msg.len);
	}
	buf_release(&msg);
	msg = joined;
	return -1;
}

const char *err_msg(void)
{
	return msg.data;
}

void err_clear(void)
{
	buf_release(&msg);
}
