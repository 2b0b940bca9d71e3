/*
 * faux_server.h - `testpump faux serve`: the faux upstream over HTTP.
 *
 * Serves sources/faux.h's responses with libmicrohttpd, one thread per
 * connection so that an added delay per response overlaps across
 * connections as a remote server's latency does.  Binds the given IPv4
 * address (127.0.0.1 unless told otherwise).  Logs nothing it receives:
 * the credentials callers send are only checked to be present.
 */
#ifndef TESTPUMP_SERVER_FAUX_SERVER_H
#define TESTPUMP_SERVER_FAUX_SERVER_H

#include <stdint.h>

#include "sources/faux.h"

struct faux_server;

struct faux_server_options {
	const char *host; /* an IPv4 address: "127.0.0.1" */
	int port;	  /* 0: any free port (see faux_server_port()) */
	struct faux_options faux;
	long delay_ms; /* added before every response */
};

/*
 * Starts serving in background threads; *out is the server, which the
 * caller stops with faux_server_stop().  Returns 0, or -1 with a message
 * naming the address (busy port, bad address).
 */
int faux_server_start(struct faux_server **out,
		      const struct faux_server_options *o);

/* The port the server listens on. */
int faux_server_port(const struct faux_server *s);

/* How many calls it has answered. */
uint64_t faux_server_calls(const struct faux_server *s);

/* Stops serving, waits for the threads, frees s; NULL is ignored. */
void faux_server_stop(struct faux_server *s);

/*
 * Parses "HOST:PORT" (an IPv4 address and 0..65535) into host (room for
 * 16 bytes) and *port; -1 with a message naming text otherwise.
 */
int faux_server_parse_listen(const char *text, char host[16], int *port);

#endif
