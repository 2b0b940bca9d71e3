/*
 * log.c - levelled messages on stderr.
 */
#include "core/log.h"

#include "core/buf.h"
#include "core/banned.h"

static enum log_level current = LOG_WARN;
static FILE *stream;

void log_set_level(enum log_level level)
{
	if ((int)level < LOG_ERROR)
		level = LOG_ERROR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	current = level;
}

enum log_level log_get_level(void)
{
	return current;
}

int log_enabled(enum log_level level)
{
	return level <= current;
}

void log_set_stream(FILE *fp)
{
	stream = fp;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_ERROR] = "error: ",
		[LOG_WARN] = "warning: ",
		[LOG_INFO] = "",
		[LOG_DEBUG] = "debug: ",
	};
	struct buf line = BUF_INIT;
	FILE *out = stream ? stream : stderr;
	va_list ap;

	if (!log_enabled(level))
		return;
	buf_addf(&line, "testpump: %s", prefix[level]);
	va_start(ap, fmt);
	buf_vaddf(&line, fmt, ap);
	va_end(ap);
	buf_addch(&line, '\n');
	/* One write per line, so lines of two processes never interleave. */
	fwrite(line.data, 1, line.len, out);
	fflush(out);
	buf_release(&line);
}
