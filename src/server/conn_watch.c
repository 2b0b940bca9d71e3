/*
 * conn_watch.c - the request deadline's watcher thread.
 *
 * A doubly linked list of watched sockets under one mutex; the watcher
 * wakes every tick (a tenth of the timeout, at most 250 ms), shuts down
 * the sockets past their deadline, and sleeps again.  The socket is only
 * shut down, never closed: libmicrohttpd closes it, after it has called
 * conn_watch_remove() (its "connection closed" notice comes before
 * close(2)), so the watcher never touches a descriptor that was reused.
 */
#include "server/conn_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/xalloc.h"
#include "core/banned.h"

struct conn_watched {
	struct conn_watched *prev, *next;
	int fd;
	int busy;	     /* a request is being answered */
	int cut;	     /* already shut down */
	int64_t deadline_ms; /* monotonic */
};

struct conn_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	struct conn_watched *head;
	int64_t timeout_ms;
	int stopping;
	uint64_t cut;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shuts down every idle socket past its deadline; the lock is held. */
static void cut_late(struct conn_watch *w, int64_t now)
{
	for (struct conn_watched *c = w->head; c; c = c->next) {
		if (c->busy || c->cut || now < c->deadline_ms)
			continue;
		shutdown(c->fd, SHUT_RDWR);
		c->cut = 1;
		w->cut++;
	}
}

static void *watcher(void *arg)
{
	struct conn_watch *w = arg;
	int64_t tick = w->timeout_ms / 10;

	if (tick > 250)
		tick = 250;
	if (tick < 10)
		tick = 10;
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct timespec until;
		int64_t at;

		cut_late(w, mono_ms());
		clock_gettime(CLOCK_REALTIME, &until);
		at = (int64_t)until.tv_sec * 1000 + until.tv_nsec / 1000000 +
		     tick;
		until.tv_sec = at / 1000;
		until.tv_nsec = (at % 1000) * 1000000L;
		while (!w->stopping &&
		       pthread_cond_timedwait(&w->wake, &w->lock, &until) !=
			       ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct conn_watch *conn_watch_start(int64_t timeout_ms)
{
	struct conn_watch *w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->timeout_ms = timeout_ms;
	if (pthread_create(&w->thread, NULL, watcher, w) != 0)
		abort(); /* as xmalloc does when the system has no room */
	return w;
}

void conn_watch_stop(struct conn_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

struct conn_watched *conn_watch_add(struct conn_watch *w, int fd)
{
	struct conn_watched *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	pthread_mutex_lock(&w->lock);
	c->deadline_ms = mono_ms() + w->timeout_ms;
	c->next = w->head;
	if (w->head)
		w->head->prev = c;
	w->head = c;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void conn_watch_busy(struct conn_watch *w, struct conn_watched *c)
{
	pthread_mutex_lock(&w->lock);
	c->busy = 1;
	pthread_mutex_unlock(&w->lock);
}

void conn_watch_idle(struct conn_watch *w, struct conn_watched *c)
{
	pthread_mutex_lock(&w->lock);
	c->busy = 0;
	c->deadline_ms = mono_ms() + w->timeout_ms;
	pthread_mutex_unlock(&w->lock);
}

void conn_watch_remove(struct conn_watch *w, struct conn_watched *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&w->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
}

uint64_t conn_watch_cut(struct conn_watch *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->cut;
	pthread_mutex_unlock(&w->lock);
	return n;
}
