/* sn-cache-service.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-audit-log.h"
#include "sn-cache-keys.h"
#include "sn-cache-service.h"

#define AUDIT_SAMPLE 20

GPtrArray *
sn_cache_preview_sync (SnCacheBackend  *backend,
                       const char      *pattern,
                       GCancellable    *cancellable,
                       GError         **error)
{
  return sn_cache_backend_scan_all_sync (backend, pattern, 0, cancellable, error);
}

GPtrArray *
sn_cache_preview_patterns_sync (SnCacheBackend      *backend,
                                const char * const  *patterns,
                                GCancellable        *cancellable,
                                GError             **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; patterns[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) keys = sn_cache_preview_sync (backend, patterns[i], cancellable, error);

      if (keys == NULL)
        return NULL;
      for (guint j = 0; j < keys->len; j++)
        g_ptr_array_add (all, g_steal_pointer (&keys->pdata[j]));
    }
  return g_steal_pointer (&all);
}

static void
audit (SnCacheBackend *backend,
       const char     *action,
       const char     *command,
       int             status,
       gint64          duration_us,
       guint64         count)
{
  g_autoptr(GError) error = NULL;
  SnProfile *profile = sn_cache_backend_get_profile (backend);

  if (!sn_audit_log_append (sn_audit_log_get_default (), sn_profile_get_name (profile), action, command,
                            status, duration_us, count, &error))
    g_warning ("Could not write the audit log: %s", error->message);
}

/* "UNLINK 3 keys: a b c" with at most AUDIT_SAMPLE keys named. */
static char *
describe_keys (const char *verb,
               GPtrArray  *keys)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s %u keys:", verb, keys->len);
  for (guint i = 0; i < keys->len && i < AUDIT_SAMPLE; i++)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, keys->pdata[i]);
    }
  if (keys->len > AUDIT_SAMPLE)
    g_string_append_printf (text, " … (%u more)", keys->len - AUDIT_SAMPLE);
  return g_string_free (text, FALSE);
}

static gboolean
pause_for (gint64        us,
           GCancellable *cancellable)
{
  while (us > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      gint64 step = MIN (us, 5000);

      g_usleep (step);
      us -= step;
    }
  return !g_cancellable_is_cancelled (cancellable);
}

gboolean
sn_cache_delete_keys_sync (SnCacheBackend       *backend,
                           GPtrArray            *keys,
                           SnCacheProgressFunc   progress,
                           gpointer              progress_data,
                           guint64              *deleted,
                           GCancellable         *cancellable,
                           GError              **error)
{
  SnProfile *profile = sn_cache_backend_get_profile (backend);
  g_autofree char *what = NULL;
  SnCacheThrottle throttle = { { 0 }, 0 };
  gint64 t0 = g_get_monotonic_time ();
  guint64 gone = 0;
  guint next = 0;
  GError *local_error = NULL;

  g_return_val_if_fail (SN_IS_CACHE_BACKEND (backend), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);

  if (deleted != NULL)
    *deleted = 0;

  /* In core: a read-only profile never deletes, whatever the front end. */
  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("delete cache keys"), error))
    return FALSE;

  what = describe_keys ("UNLINK", keys);
  audit (backend, "cache.unlink.started", what, 0, 0, keys->len);

  while (next < keys->len)
    {
      g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) replies = NULL;
      gint64 r0, round_trip, pause;

      for (guint c = 0; c < SN_CACHE_UNLINK_PIPELINE && next < keys->len; c++)
        {
          guint n = MIN (SN_CACHE_UNLINK_BATCH, keys->len - next);
          const char **argv = g_new0 (const char *, n + 2);

          argv[0] = "UNLINK";
          for (guint k = 0; k < n; k++)
            argv[k + 1] = keys->pdata[next + k];
          next += n;
          g_ptr_array_add (commands, argv);
        }

      r0 = g_get_monotonic_time ();
      replies = sn_cache_backend_pipeline_sync (backend, commands, cancellable, &local_error);
      round_trip = g_get_monotonic_time () - r0;
      if (replies == NULL)
        break;

      for (guint r = 0; r < replies->len; r++)
        {
          const char *message = sn_cache_reply_get_error (replies->pdata[r]);

          if (message != NULL)
            {
              local_error = sn_cache_error_from_reply (message, "UNLINK");
              break;
            }
          gone += sn_cache_reply_get_int (replies->pdata[r], 0);
        }
      if (local_error != NULL)
        break;

      if (progress != NULL)
        progress (next, keys->len, progress_data);

      /* The scan's throttle: a pause only when the server slows down. */
      pause = sn_cache_throttle_pause_us (&throttle, round_trip);
      if (pause > 0 && !pause_for (pause, cancellable))
        {
          g_cancellable_set_error_if_cancelled (cancellable, &local_error);
          break;
        }
      if (next < keys->len && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;
    }

  {
    g_autofree char *result = g_strdup_printf ("UNLINK: %" G_GUINT64_FORMAT " of %u keys deleted%s%s",
                                               gone, keys->len, local_error != NULL ? ": " : "",
                                               local_error != NULL ? local_error->message : "");

    audit (backend, "cache.unlink", result, local_error != NULL ? 1 : 0, g_get_monotonic_time () - t0, gone);
  }

  if (deleted != NULL)
    *deleted = gone;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray           *keys;
  SnCacheProgressFunc  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
  guint64              deleted;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_ptr_array_unref (data->keys);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_free (data);
}

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DeleteData *data = task_data;
  GError *error = NULL;

  if (sn_cache_delete_keys_sync (source, data->keys, data->progress, data->progress_data,
                                 &data->deleted, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sn_cache_delete_keys_async:
 * @progress: (nullable): called on a worker thread
 */
void
sn_cache_delete_keys_async (SnCacheBackend       *backend,
                            GPtrArray            *keys,
                            SnCacheProgressFunc   progress,
                            gpointer              progress_data,
                            GDestroyNotify        progress_destroy,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);
  DeleteData *data = g_new0 (DeleteData, 1);

  data->keys = g_ptr_array_ref (keys);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_set_source_tag (task, sn_cache_delete_keys_async);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
sn_cache_delete_keys_finish (SnCacheBackend  *backend,
                             GAsyncResult    *result,
                             guint64         *deleted,
                             GError         **error)
{
  DeleteData *data;

  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (deleted != NULL)
    *deleted = data->deleted;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- TTL ------------------------------------------------------------------ */

gboolean
sn_cache_set_ttl_sync (SnCacheBackend  *backend,
                       const char      *key,
                       gint64           seconds,
                       GCancellable    *cancellable,
                       GError         **error)
{
  SnProfile *profile = sn_cache_backend_get_profile (backend);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) exists = NULL;
  g_autofree char *number = NULL;
  g_autofree char *line = NULL;
  GError *local_error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean persist = seconds == SN_CACHE_TTL_PERSIST;

  g_return_val_if_fail (SN_IS_CACHE_BACKEND (backend), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  /* In core: only an admin changes how long a key lives. */
  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_ADMIN, _("change a cache key’s time to live"), error))
    return FALSE;

  if (!persist && seconds <= 0)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("A time to live must be a whole number of seconds above 0 (or remove it to keep "
                     "the key for good)."));
      return FALSE;
    }

  number = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  line = persist ? g_strdup_printf ("PERSIST %s", key) : g_strdup_printf ("EXPIRE %s %s", key, number);
  audit (backend, "cache.ttl.started", line, 0, 0, 1);
  if (persist)
    reply = sn_cache_backend_command (backend, cancellable, &local_error, "PERSIST", key, NULL);
  else
    reply = sn_cache_backend_command (backend, cancellable, &local_error, "EXPIRE", key, number, NULL);

  /* EXPIRE answers 0 for a missing key; PERSIST also for a key without a TTL. */
  if (reply != NULL && sn_cache_reply_get_int (reply, 0) == 0)
    {
      exists = sn_cache_backend_command (backend, cancellable, &local_error, "EXISTS", key, NULL);
      if (exists != NULL && sn_cache_reply_get_int (exists, 0) == 0)
        local_error = g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_COMMAND,
                                   _("No key “%s” (it may have expired): nothing was changed."), key);
    }
  audit (backend, "cache.ttl", line, local_error != NULL ? 1 : 0, g_get_monotonic_time () - t0,
         local_error != NULL ? 0 : 1);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char   *key;
  gint64  seconds;
} TtlData;

static void
ttl_data_free (TtlData *data)
{
  g_free (data->key);
  g_free (data);
}

static void
ttl_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TtlData *data = task_data;
  GError *error = NULL;

  if (sn_cache_set_ttl_sync (source, data->key, data->seconds, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sn_cache_set_ttl_async (SnCacheBackend      *backend,
                        const char          *key,
                        gint64               seconds,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);
  TtlData *data = g_new0 (TtlData, 1);

  data->key = g_strdup (key);
  data->seconds = seconds;
  g_task_set_source_tag (task, sn_cache_set_ttl_async);
  g_task_set_task_data (task, data, (GDestroyNotify) ttl_data_free);
  g_task_run_in_thread (task, ttl_thread);
}

gboolean
sn_cache_set_ttl_finish (SnCacheBackend  *backend,
                         GAsyncResult    *result,
                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gint64
dbsize (SnCacheBackend  *backend,
        GCancellable    *cancellable,
        GError         **error)
{
  g_autoptr(JsonNode) reply = sn_cache_backend_command (backend, cancellable, error, "DBSIZE", NULL);

  return reply != NULL ? sn_cache_reply_get_int (reply, -1) : -1;
}

gboolean
sn_cache_flush_sync (SnCacheBackend  *backend,
                     gint64          *keys_before,
                     GCancellable    *cancellable,
                     GError         **error)
{
  SnProfile *profile = sn_cache_backend_get_profile (backend);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *description = sn_cache_backend_describe (backend);
  g_autofree char *line = NULL;
  GError *local_error = NULL;
  gint64 before;
  gint64 t0 = g_get_monotonic_time ();

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR, _("flush the cache"), error))
    return FALSE;

  if ((before = dbsize (backend, cancellable, error)) < 0)
    return FALSE;

  line = g_strdup_printf ("FLUSHDB on %s (%" G_GINT64_FORMAT " keys)", description, before);
  audit (backend, "cache.flush.started", line, 0, 0, before);
  reply = sn_cache_backend_command (backend, cancellable, &local_error, "FLUSHDB", NULL);
  audit (backend, "cache.flush", line, reply != NULL ? 0 : 1, g_get_monotonic_time () - t0, before);

  if (reply == NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (keys_before != NULL)
    *keys_before = before;
  return TRUE;
}

char *
sn_cache_dup_flush_impact (SnCacheBackend  *backend,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GPtrArray) rate = NULL;
  g_autoptr(JsonNode) planning = NULL;
  g_autofree char *description = sn_cache_backend_describe (backend);
  gint64 size;

  if ((size = dbsize (backend, cancellable, error)) < 0)
    return NULL;
  if (!(rate = sn_cache_backend_scan_all_sync (backend, "rate:*", 0, cancellable, error)))
    return NULL;
  if (!(planning = sn_cache_backend_command (backend, cancellable, error, "EXISTS", "planning:last_update", NULL)))
    return NULL;

  return g_strdup_printf (_("%s holds %lld keys; all go. %u rate-limit keys reset "
                            "everyone’s rate limits; %s. Make sure no other application shares "
                            "this database."),
                          description, (long long) size, rate->len,
                          sn_cache_reply_get_int (planning, 0) > 0
                          ? _("planning:last_update is deleted, so the planning pages reload once")
                          : _("planning:last_update does not exist"));
}

static void
add_info_field (JsonObject *stats,
                GHashTable *info,
                const char *name)
{
  const char *value = g_hash_table_lookup (info, name);
  char *end = NULL;
  gint64 number;

  if (value == NULL)
    return;
  number = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0')
    json_object_set_int_member (stats, name, number);
  else
    json_object_set_string_member (stats, name, value);
}

/* Neither fails the stats: each says why it is missing instead. */
static void
add_slowlog_and_app (JsonObject     *stats,
                     SnCacheBackend *backend,
                     GCancellable   *cancellable)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if ((node = sn_cache_slowlog_sync (backend, cancellable, &error)) != NULL)
    json_object_set_member (stats, "slowlog", node);
  else
    json_object_set_string_member (stats, "slowlog_note", error->message);
  g_clear_error (&error);

  if ((node = sn_cache_app_metrics_sync (sn_cache_backend_get_profile (backend), cancellable, &error)) != NULL)
    json_object_set_member (stats, "app", node);
  else
    json_object_set_string_member (stats, "app_error", error->message);
}

JsonNode *
sn_cache_stats_sync (SnCacheBackend  *backend,
                     GCancellable    *cancellable,
                     GError         **error)
{
  static const char * const fields[] = {
    "redis_version", "used_memory", "used_memory_peak", "maxmemory", "maxmemory_policy",
    "keyspace_hits", "keyspace_misses", "instantaneous_ops_per_sec", "connected_clients",
    "evicted_keys", "expired_keys", "total_commands_processed",
  };
  g_autoptr(JsonObject) stats = json_object_new ();
  g_autoptr(GHashTable) info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *description = sn_cache_backend_describe (backend);
  JsonNode *node;
  gint64 size;

  if ((size = dbsize (backend, cancellable, error)) < 0)
    return NULL;
  json_object_set_string_member (stats, "backend", description);
  json_object_set_int_member (stats, "dbsize", size);

  /* INFO: Redis gives it all; Upstash gives part of it or refuses. */
  reply = sn_cache_backend_command (backend, cancellable, NULL, "INFO", NULL);
  if (sn_cache_reply_get_string (reply) != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (sn_cache_reply_get_string (reply), "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *colon = strchr (g_strstrip (lines[i]), ':');

          if (lines[i][0] == '#' || colon == NULL)
            continue;
          g_hash_table_insert (info, g_strndup (lines[i], colon - lines[i]), g_strdup (colon + 1));
        }
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        add_info_field (stats, info, fields[i]);
      if (json_object_has_member (stats, "keyspace_hits") && json_object_has_member (stats, "keyspace_misses"))
        {
          gint64 hits = json_object_get_int_member (stats, "keyspace_hits");
          gint64 misses = json_object_get_int_member (stats, "keyspace_misses");

          json_object_set_double_member (stats, "hit_rate", hits + misses > 0 ? (double) hits / (hits + misses) : 0.0);
        }
    }

  add_slowlog_and_app (stats, backend, cancellable);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, stats);
  return node;
}

static void
stats_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *stats = sn_cache_stats_sync (source, cancellable, &error);

  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) json_node_unref);
}

void
sn_cache_stats_async (SnCacheBackend      *backend,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);

  g_task_set_source_tag (task, sn_cache_stats_async);
  g_task_run_in_thread (task, stats_thread);
}

JsonNode *
sn_cache_stats_finish (SnCacheBackend  *backend,
                       GAsyncResult    *result,
                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
