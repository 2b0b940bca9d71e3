/*
 * catalog.c - jobs, variants, releases and payloads, upserted.
 */
#include "store/catalog.h"

#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "core/banned.h"

/* Creates (name) in table when missing; *id and *created say the result. */
static int upsert(struct store *st, const char *sql_find,
		  const char *sql_insert, const char *name, int64_t *id,
		  int *created)
{
	char now[TIMESTAMP_MAX];
	struct store_value v[2] = {STORE_TEXT_V(name)};

	if (store_query_int(st, sql_find, v, 1, id) < 0)
		return -1;
	if (*id)
		return 0;
	timestamp_format(timestamp_now_ms() / 1000 * 1000, now);
	v[1] = STORE_TEXT_V(now);
	if (store_exec(st, sql_insert, v, 2, NULL, NULL) < 0)
		return -1;
	*id = store_last_insert_id(st);
	if (created)
		*created = 1;
	return 0;
}

static int upsert_job(struct store *st, const char *name, int64_t *id,
		      int *created)
{
	return upsert(st, "SELECT id FROM job WHERE name = ?",
		      "INSERT INTO job (name, created_at) VALUES (?, ?)", name,
		      id, created);
}

static int upsert_release(struct store *st, const char *name, int64_t *id,
			  int *created)
{
	return upsert(st, "SELECT id FROM release WHERE name = ?",
		      "INSERT INTO release (name, created_at) VALUES (?, ?)",
		      name, id, created);
}

int catalog_upsert_job(struct store *st, const char *name,
		       const struct catalog_variant *v, size_t n,
		       struct catalog_counts *c)
{
	int64_t job_id, same;

	memset(c, 0, sizeof(*c));
	if (upsert_job(st, name, &job_id, &c->created) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_value p[3] = {STORE_INT_V(job_id),
					   STORE_TEXT_V(v[i].key),
					   STORE_TEXT_V(v[i].value)};

		if (store_query_int(st,
				    "SELECT count(*) FROM job_variant WHERE "
				    "job_id = ? AND key = ? AND value = ?",
				    p, 3, &same) < 0)
			return -1;
		if (same)
			continue;
		if (store_exec(st,
			       "INSERT INTO job_variant (job_id, key, value) "
			       "VALUES (?, ?, ?) ON CONFLICT (job_id, key) DO "
			       "UPDATE SET value = excluded.value",
			       p, 3, NULL, NULL) < 0)
			return -1;
		c->variants_set++;
	}
	return 0;
}

static int link_payload(struct store *st, int64_t release_id, const char *tag,
			struct catalog_counts *c)
{
	char now[TIMESTAMP_MAX];
	struct store_value v[3];
	int64_t same;

	v[0] = STORE_TEXT_V(tag);
	v[1] = STORE_INT_V(release_id);
	if (store_query_int(st,
			    "SELECT count(*) FROM payload WHERE tag = ? AND "
			    "release_id = ?",
			    v, 2, &same) < 0)
		return -1;
	if (same)
		return 0;
	timestamp_format(timestamp_now_ms() / 1000 * 1000, now);
	v[2] = STORE_TEXT_V(now);
	if (store_exec(st,
		       "INSERT INTO payload (tag, release_id, created_at) "
		       "VALUES (?, ?, ?) ON CONFLICT (tag) DO UPDATE SET "
		       "release_id = excluded.release_id",
		       v, 3, NULL, NULL) < 0)
		return -1;
	c->linked++;
	return 0;
}

static int write_release(struct store *st, const char *name,
			 const char *previous, const char *const *payloads,
			 size_t npayloads, struct catalog_counts *c)
{
	int64_t id, prev_id = 0;
	struct store_value v[2];

	if (upsert_release(st, name, &id, &c->created) < 0 ||
	    (previous && upsert_release(st, previous, &prev_id, NULL) < 0))
		return -1;
	if (prev_id) {
		v[0] = STORE_INT_V(prev_id);
		v[1] = STORE_INT_V(id);
		if (store_exec(st,
			       "UPDATE release SET previous_release_id = ? "
			       "WHERE id = ?",
			       v, 2, NULL, NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < npayloads; i++)
		if (link_payload(st, id, payloads[i], c) < 0)
			return -1;
	return 0;
}

int catalog_upsert_release(struct store *st, const char *name,
			   const char *previous, const char *const *payloads,
			   size_t npayloads, struct catalog_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (previous && !strcmp(previous, name))
		return err_set("release '%s' cannot follow itself", name);
	if (store_begin(st) < 0)
		return -1;
	if (write_release(st, name, previous, payloads, npayloads, c) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

int catalog_list_jobs(struct store *st, const struct catalog_variant *filter,
		      size_t nfilter, store_row_fn fn, void *ctx)
{
	/*
	 * At most 8 filters: each one an EXISTS on job_variant.  The two
	 * heads differ only in how the variants are joined into one text.
	 */
	static const char head_sqlite[] =
		"SELECT j.name, (SELECT group_concat(key || '=' || value, ', ') "
		"FROM (SELECT key, value FROM job_variant v WHERE v.job_id = "
		"j.id ORDER BY key) kv), (SELECT count(*) FROM job_run r WHERE "
		"r.job_id = j.id), (SELECT max(started_at) FROM job_run r WHERE "
		"r.job_id = j.id) FROM job j WHERE 1 = 1";
	static const char head_pg[] =
		"SELECT j.name, (SELECT string_agg(key || '=' || value, ', ' "
		"ORDER BY key) FROM job_variant v WHERE v.job_id = j.id), "
		"(SELECT count(*) FROM job_run r WHERE r.job_id = j.id), "
		"(SELECT max(started_at) FROM job_run r WHERE r.job_id = j.id) "
		"FROM job j WHERE 1 = 1";
	static const char cond[] = " AND EXISTS (SELECT 1 FROM job_variant f "
				   "WHERE f.job_id = j.id AND f.key = ? AND "
				   "f.value = ?)";
	const char *head = store_sql_pick(st, head_sqlite, head_pg);
	char sql[sizeof(head_sqlite) + 8 * sizeof(cond) + 32];
	struct store_value v[16];
	size_t len = strlen(head);

	_Static_assert(sizeof(head_pg) <= sizeof(head_sqlite),
		       "sql[] is sized for the longer head");

	if (nfilter > 8)
		return err_set("at most 8 variant filters, not %zu", nfilter);
	memcpy(sql, head, len);
	for (size_t i = 0; i < nfilter; i++) {
		memcpy(sql + len, cond, sizeof(cond) - 1);
		len += sizeof(cond) - 1;
		v[2 * i] = STORE_TEXT_V(filter[i].key);
		v[2 * i + 1] = STORE_TEXT_V(filter[i].value);
	}
	memcpy(sql + len, " ORDER BY j.name", 17);
	return store_exec(st, sql, v, 2 * nfilter, fn, ctx);
}

int catalog_list_releases(struct store *st, store_row_fn fn, void *ctx)
{
	return store_exec(
		st,
		"SELECT r.name, p.name, (SELECT count(*) FROM payload "
		"x WHERE x.release_id = r.id), (SELECT count(*) FROM "
		"job_run j JOIN payload y ON y.id = j.payload_id "
		"WHERE y.release_id = r.id), r.created_at FROM "
		"release r LEFT JOIN release p ON p.id = "
		"r.previous_release_id ORDER BY r.name",
		NULL, 0, fn, ctx);
}
