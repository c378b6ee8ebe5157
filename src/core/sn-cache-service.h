/* sn-cache-service.h: what changes the cache, and its stats; level-checked and audited
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-cache-backend.h"

G_BEGIN_DECLS

/* Keys per UNLINK, and UNLINKs per round trip. */
#define SN_CACHE_UNLINK_BATCH 500
#define SN_CACHE_UNLINK_PIPELINE 4

/* Called on the thread that deletes: @done of @total keys so far. */
typedef void (*SnCacheProgressFunc) (guint64  done,
                                     guint64  total,
                                     gpointer user_data);

/* Every key @pattern matches now, once each (SCAN to the end): what a
 * delete by pattern shows first and then deletes, exactly. */
GPtrArray  *sn_cache_preview_sync       (SnCacheBackend       *backend,
                                         const char           *pattern,
                                         GCancellable         *cancellable,
                                         GError              **error);
/* @patterns: (array zero-terminated=1): several at once (a date's two prefixes) */
GPtrArray  *sn_cache_preview_patterns_sync (SnCacheBackend    *backend,
                                         const char * const   *patterns,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* Deletes exactly @keys: needs an operator profile (checked here, in core),
 * writes the audit log before and after, UNLINKs in pipelined batches with
 * the same throttle as the scan. On cancel or error, *@deleted says how many
 * went. */
gboolean    sn_cache_delete_keys_sync   (SnCacheBackend       *backend,
                                         GPtrArray            *keys,
                                         SnCacheProgressFunc   progress,
                                         gpointer              progress_data,
                                         guint64              *deleted,
                                         GCancellable         *cancellable,
                                         GError              **error);
void        sn_cache_delete_keys_async  (SnCacheBackend       *backend,
                                         GPtrArray            *keys,
                                         SnCacheProgressFunc   progress,
                                         gpointer              progress_data,
                                         GDestroyNotify        progress_destroy,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    sn_cache_delete_keys_finish (SnCacheBackend       *backend,
                                         GAsyncResult         *result,
                                         guint64              *deleted,
                                         GError              **error);

/* Sets @key's time to live (EXPIRE @key @seconds), or removes it when
 * @seconds is SN_CACHE_TTL_PERSIST (PERSIST @key): needs an admin profile
 * (checked here, in core); audited. A key that does not exist is an error
 * (SN_CACHE_ERROR_COMMAND), nothing is created. */
#define SN_CACHE_TTL_PERSIST (-1)
gboolean    sn_cache_set_ttl_sync       (SnCacheBackend       *backend,
                                         const char           *key,
                                         gint64                seconds,
                                         GCancellable         *cancellable,
                                         GError              **error);
void        sn_cache_set_ttl_async      (SnCacheBackend       *backend,
                                         const char           *key,
                                         gint64                seconds,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    sn_cache_set_ttl_finish     (SnCacheBackend       *backend,
                                         GAsyncResult         *result,
                                         GError              **error);

/* FLUSHDB (never FLUSHALL): needs an operator profile; the runbook
 * "cache-flush" adds the typed name on production. Audited. */
gboolean    sn_cache_flush_sync         (SnCacheBackend       *backend,
                                         gint64               *keys_before,
                                         GCancellable         *cancellable,
                                         GError              **error);
/* What a flush breaks, in words, from the live cache (read-only). */
char       *sn_cache_dup_flush_impact   (SnCacheBackend       *backend,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* Stats as a JSON object: "backend", "dbsize", and where the server gives
 * them (INFO on Redis) "used_memory", "keyspace_hits", "keyspace_misses",
 * "hit_rate" (0..1), "instantaneous_ops_per_sec", "connected_clients",
 * "evicted_keys", "expired_keys", "maxmemory_policy", "redis_version";
 * "slowlog" (sn_cache_slowlog_sync()) or "slowlog_note" why not; "app"
 * (sn_cache_app_metrics_sync()) or "app_error" why not. */
JsonNode   *sn_cache_stats_sync         (SnCacheBackend       *backend,
                                         GCancellable         *cancellable,
                                         GError              **error);
void        sn_cache_stats_async        (SnCacheBackend       *backend,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
JsonNode   *sn_cache_stats_finish       (SnCacheBackend       *backend,
                                         GAsyncResult         *result,
                                         GError              **error);

/* The app's own cache counters from <site-url>/api/metrics (with the
 * monitoring key): an object with "sweet_narcisse_cache_hits_total",
 * "_misses_total", "_errors_total", "_hit_rate_percent" (null, and named in
 * "not_exported", when the app does not export one: never a made-up 0),
 * "note", and "admin_endpoint" saying that /api/admin/cache/metrics needs
 * a session cookie the profile does not hold. */
JsonNode   *sn_cache_app_metrics_sync   (SnProfile            *profile,
                                         GCancellable         *cancellable,
                                         GError              **error);
/* SLOWLOG GET 10 on a Redis server: an array of {"id", "time", "duration_us",
 * "command"}; on Upstash a SN_CACHE_ERROR_UNSUPPORTED error saying so. */
JsonNode   *sn_cache_slowlog_sync       (SnCacheBackend       *backend,
                                         GCancellable         *cancellable,
                                         GError              **error);

/* cache.* runbook actions; called by sn_actions_register_builtin(). */
void        sn_cache_actions_register   (void);

G_END_DECLS
