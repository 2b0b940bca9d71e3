/*
 * conn_watch.h - a deadline for each request to arrive whole.
 *
 * libmicrohttpd's own timeout counts idle time only, so a client that
 * sends a header byte every second holds its connection (and its thread)
 * for ever.  The watch gives every connection a deadline: from its accept,
 * or from the end of its previous response, the next request's headers
 * and body must be in within timeout_ms, or a watcher thread shuts the
 * socket down (shutdown(2)), which libmicrohttpd sees as the client
 * leaving.  While a request is being answered the deadline does not run:
 * a long command is not a slow client.
 *
 * Thread-safe: connections are added, marked and removed from the
 * server's connection threads while the watcher runs.
 */
#ifndef TESTPUMP_SERVER_CONN_WATCH_H
#define TESTPUMP_SERVER_CONN_WATCH_H

#include <stdint.h>

struct conn_watch;
struct conn_watched;

/* Starts the watcher thread; cut connections are counted. */
struct conn_watch *conn_watch_start(int64_t timeout_ms);

/* Stops the watcher and frees w; every connection must be removed. */
void conn_watch_stop(struct conn_watch *w);

/*
 * Watches the connected socket fd from now; returns its handle, which
 * conn_watch_remove() must release before fd is closed.
 */
struct conn_watched *conn_watch_add(struct conn_watch *w, int fd);

/* The request of c is complete and is being answered: no deadline. */
void conn_watch_busy(struct conn_watch *w, struct conn_watched *c);

/* c's response is sent: the next request's deadline starts now. */
void conn_watch_idle(struct conn_watch *w, struct conn_watched *c);

/* Stops watching c and frees it; NULL is ignored. */
void conn_watch_remove(struct conn_watch *w, struct conn_watched *c);

/* How many connections the watcher has cut off. */
uint64_t conn_watch_cut(struct conn_watch *w);

#endif
