/*
 * log.h - messages for people, on stderr, by level.
 *
 * Data goes to stdout; everything said to the person running testpump goes
 * through here.  The level starts at LOG_WARN; -q lowers it to LOG_ERROR,
 * each -v raises it by one.  Lines read "testpump: <level>: <message>",
 * except LOG_INFO, which is plain "testpump: <message>".
 */
#ifndef TESTPUMP_CORE_LOG_H
#define TESTPUMP_CORE_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Sets the most verbose level that is printed. */
void log_set_level(enum log_level level);

/* The current level. */
enum log_level log_get_level(void);

/* True when a message at `level` would be printed. */
int log_enabled(enum log_level level);

/* Sends messages to fp instead of stderr (tests); NULL restores stderr. */
void log_set_stream(FILE *fp);

/* Prints one line at `level` if it is enabled; a newline is added. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
