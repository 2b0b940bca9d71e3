/*
 * page_cache.c - a small array of (key, page, expiry) under one mutex.
 *
 * PAGE_CACHE_MAX is small (the dashboard has a handful of pages and a few
 * argument sets in use at once), so a linear scan is faster than any
 * hashing; a put replaces the same key, else an expired or the oldest
 * entry.
 */
#include "server/page_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "core/banned.h"

struct page_entry {
	char *key; /* NULL: free */
	char *page;
	size_t len;
	int64_t expires_ms; /* monotonic */
	int refreshing;	    /* expired, and one caller is rendering it */
};

struct page_cache {
	pthread_mutex_t lock;
	int64_t ttl_ms;
	struct page_entry e[PAGE_CACHE_MAX];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct page_cache *page_cache_new(int64_t ttl_ms)
{
	struct page_cache *c;

	if (ttl_ms <= 0)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->ttl_ms = ttl_ms;
	return c;
}

static void entry_clear(struct page_entry *e)
{
	free(e->key);
	free(e->page);
	memset(e, 0, sizeof(*e));
}

void page_cache_free(struct page_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < PAGE_CACHE_MAX; i++)
		entry_clear(&c->e[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int page_cache_get(struct page_cache *c, const char *key, struct buf *out)
{
	int found = 0;
	int64_t now;

	if (!c)
		return 0;
	now = mono_ms();
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < PAGE_CACHE_MAX; i++) {
		struct page_entry *e = &c->e[i];

		if (!e->key || strcmp(e->key, key))
			continue;
		/*
		 * Expired: the first caller renders it afresh, the others
		 * meanwhile get the page it replaces, so a hundred clients
		 * never render the same page at once.
		 */
		if (now >= e->expires_ms && !e->refreshing) {
			e->refreshing = 1;
			break;
		}
		buf_add(out, e->page, e->len);
		found = 1;
		break;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void page_cache_drop(struct page_cache *c, const char *key)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < PAGE_CACHE_MAX; i++)
		if (c->e[i].key && !strcmp(c->e[i].key, key))
			entry_clear(&c->e[i]);
	pthread_mutex_unlock(&c->lock);
}

void page_cache_put(struct page_cache *c, const char *key, const char *page,
		    size_t len)
{
	struct page_entry *slot = NULL;
	int64_t now;

	if (!c)
		return;
	now = mono_ms();
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < PAGE_CACHE_MAX && !slot; i++)
		if (c->e[i].key && !strcmp(c->e[i].key, key))
			slot = &c->e[i];
	for (size_t i = 0; i < PAGE_CACHE_MAX && !slot; i++)
		if (!c->e[i].key ||
		    (c->e[i].expires_ms <= now && !c->e[i].refreshing))
			slot = &c->e[i];
	if (!slot) {
		slot = &c->e[0];
		for (size_t i = 1; i < PAGE_CACHE_MAX; i++)
			if (c->e[i].expires_ms < slot->expires_ms)
				slot = &c->e[i];
	}
	entry_clear(slot);
	slot->key = xstrdup(key);
	slot->page = xmalloc(len + 1);
	memcpy(slot->page, page, len);
	slot->page[len] = '\0';
	slot->len = len;
	slot->expires_ms = now + c->ttl_ms;
	pthread_mutex_unlock(&c->lock);
}
