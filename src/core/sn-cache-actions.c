/* sn-cache-actions.c: the runbook actions of the cache (cache.*)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-cache-keys.h"
#include "sn-cache-service.h"

/* Keys named in a plan or an output before "… and N more". */
#define SAMPLE 20

/*
 * Risks: reading keys is READ; deleting keys by pattern or by date is CHANGE
 * (the app rebuilds its cache, though rate limits restart), and DESTROY when
 * the pattern matches every key; FLUSHDB is DESTROY. Every change needs an
 * operator profile, checked again by the service in core.
 */

/* The run's backend ("cache"), else one made for the profile and connected now. */
static SnCacheBackend *
get_backend (SnActionContext  *context,
             GError          **error)
{
  SnCacheBackend *backend = sn_action_context_get_service (context, "cache");
  g_autoptr(SnCacheBackend) made = NULL;

  if (backend != NULL)
    return g_object_ref (backend);

  if (!(made = sn_cache_backend_new_for_profile (sn_action_context_get_profile (context), NULL, error)))
    return NULL;
  if (!sn_cache_backend_connect_sync (made, sn_action_context_get_cancellable (context), error))
    return NULL;
  return g_steal_pointer (&made);
}

static char *
backend_label (SnActionContext *context)
{
  SnCacheBackend *backend = sn_action_context_get_service (context, "cache");
  g_autoptr(SnCacheBackend) made = NULL;

  if (backend == NULL)
    backend = made = sn_cache_backend_new_for_profile (sn_action_context_get_profile (context), NULL, NULL);
  return backend != NULL ? sn_cache_backend_describe (backend) : g_strdup (_("the profile’s cache"));
}

static char *
sample_text (GPtrArray *keys)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u key", "%u keys", keys->len), keys->len);
  for (guint i = 0; i < keys->len && i < SAMPLE; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? ": " : ", ", (const char *) keys->pdata[i]);
  if (keys->len > SAMPLE)
    g_string_append_printf (text, _(" … and %u more"), keys->len - SAMPLE);
  return g_string_free (text, FALSE);
}

static gboolean
pattern_check (JsonObject  *args,
               GError     **error)
{
  return sn_action_args_get_string (args, "pattern", TRUE, error) != NULL;
}

static gboolean
matches_everything (const char *pattern)
{
  return pattern == NULL || *pattern == '\0' || g_strcmp0 (pattern, "*") == 0 || g_strcmp0 (pattern, "**") == 0;
}

/* cache.keys { "pattern": "rate:*" } ------------------------------------------ */

static char *
keys_describe (SnActionContext *context,
               JsonObject      *args)
{
  g_autofree char *label = backend_label (context);

  return g_strdup_printf ("SCAN 0 MATCH %s COUNT 1000 … (%s)",
                          json_object_get_string_member_with_default (args, "pattern", "*"), label);
}

static gboolean
keys_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  g_autoptr(SnCacheBackend) backend = get_backend (context, error);
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *text = NULL;
  g_autofree char *count = NULL;

  if (backend == NULL ||
      !(keys = sn_cache_preview_sync (backend, sn_action_args_get_string (args, "pattern", TRUE, NULL),
                                      sn_action_context_get_cancellable (context), error)))
    return FALSE;

  text = sample_text (keys);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", text);
  count = g_strdup_printf ("%u", keys->len);
  sn_action_context_set_output (context, "count", count);
  return TRUE;
}

static const SnActionInfo keys_action = {
  .name = "cache.keys",
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .check = pattern_check,
  .describe = keys_describe,
  .run = keys_run,
};

/* cache.unlink { "pattern": "availability:*" } ---------------------------------- */

static SnRisk
unlink_risk (JsonObject *args)
{
  return matches_everything (json_object_get_string_member_with_default (args, "pattern", NULL))
         ? SN_RISK_DESTROY : SN_RISK_CHANGE;
}

static char *
unlink_describe (SnActionContext *context,
                 JsonObject      *args)
{
  g_autofree char *label = backend_label (context);

  return g_strdup_printf (_("SCAN 0 MATCH %s COUNT 1000 … then UNLINK every key found, %d per "
                            "command (%s)"),
                          json_object_get_string_member_with_default (args, "pattern", "*"),
                          SN_CACHE_UNLINK_BATCH, label);
}

static char *
preview_impact (SnActionContext     *context,
                const char * const  *patterns,
                GError             **error)
{
  g_autoptr(SnCacheBackend) backend = get_backend (context, error);
  g_autoptr(GPtrArray) keys = NULL;

  if (backend == NULL ||
      !(keys = sn_cache_preview_patterns_sync (backend, patterns, sn_action_context_get_cancellable (context),
                                               error)))
    return NULL;
  if (keys->len == 0)
    return g_strdup (_("No key matches now: nothing would be deleted."));
  return sample_text (keys);
}

static char *
unlink_impact (SnActionContext  *context,
               JsonObject       *args,
               GError          **error)
{
  const char *patterns[] = { json_object_get_string_member_with_default (args, "pattern", "*"), NULL };

  return preview_impact (context, patterns, error);
}

static gboolean
delete_patterns (SnActionContext     *context,
                 const char * const  *patterns,
                 GError             **error)
{
  g_autoptr(SnCacheBackend) backend = get_backend (context, error);
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *text = NULL;
  g_autofree char *count = NULL;
  guint64 deleted = 0;

  if (backend == NULL)
    return FALSE;

  /* The level first, before even reading what would go. */
  if (!sn_profile_check_level (sn_action_context_get_profile (context), SN_SAFETY_LEVEL_OPERATOR,
                               _("delete cache keys"), error))
    return FALSE;

  if (!(keys = sn_cache_preview_patterns_sync (backend, patterns, sn_action_context_get_cancellable (context),
                                               error)))
    return FALSE;

  text = sample_text (keys);
  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Deleting %s"), text);
  if (!sn_cache_delete_keys_sync (backend, keys, NULL, NULL, &deleted,
                                  sn_action_context_get_cancellable (context), error))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT,
                          g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " key deleted",
                                       "%" G_GUINT64_FORMAT " keys deleted", deleted), deleted);
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, deleted);
  sn_action_context_set_output (context, "deleted", count);
  return TRUE;
}

static gboolean
unlink_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  const char *patterns[] = { sn_action_args_get_string (args, "pattern", TRUE, error), NULL };

  if (patterns[0] == NULL)
    return FALSE;
  return delete_patterns (context, patterns, error);
}

static const SnActionInfo unlink_action = {
  .name = "cache.unlink",
  .risk = unlink_risk,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = pattern_check,
  .describe = unlink_describe,
  .impact = unlink_impact,
  .run = unlink_run,
};

/* cache.invalidate-date { "date": "2025-06-28" } -------------------------------- */

static gboolean
date_check (JsonObject  *args,
            GError     **error)
{
  return sn_action_args_get_string (args, "date", TRUE, error) != NULL;
}

static char *
date_describe (SnActionContext *context,
               JsonObject      *args)
{
  const char *date = json_object_get_string_member_with_default (args, "date", "YYYY-MM-DD");
  g_autofree char *label = backend_label (context);

  return g_strdup_printf (_("SCAN MATCH availability:%s:* and bookings:%s:*, then UNLINK every key "
                            "found (%s)"), date, date, label);
}

static char *
date_impact (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_auto(GStrv) patterns = sn_cache_date_patterns (json_object_get_string_member_with_default (args, "date", NULL),
                                                   error);

  if (patterns == NULL)
    return NULL;
  return preview_impact (context, (const char * const *) patterns, error);
}

static gboolean
date_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  g_auto(GStrv) patterns = sn_cache_date_patterns (sn_action_args_get_string (args, "date", TRUE, NULL), error);

  if (patterns == NULL || !delete_patterns (context, (const char * const *) patterns, error))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_INFO,
                          _("The app also keeps copies of these entries in its own memory: only the app "
                            "clears them (a booking or a release on that date does), or they expire "
                            "within 60 seconds."));
  return TRUE;
}

static const SnActionInfo date_action = {
  .name = "cache.invalidate-date",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = date_check,
  .describe = date_describe,
  .impact = date_impact,
  .run = date_run,
};

/* cache.flush {} ----------------------------------------------------------------- */

static char *
flush_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_autofree char *label = backend_label (context);

  return g_strdup_printf ("FLUSHDB (%s)", label);
}

static char *
flush_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  g_autoptr(SnCacheBackend) backend = get_backend (context, error);

  if (backend == NULL)
    return NULL;
  return sn_cache_dup_flush_impact (backend, sn_action_context_get_cancellable (context), error);
}

static gboolean
flush_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autoptr(SnCacheBackend) backend = get_backend (context, error);
  gint64 before = 0;
  g_autofree char *count = NULL;

  if (backend == NULL ||
      !sn_cache_flush_sync (backend, &before, sn_action_context_get_cancellable (context), error))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("FLUSHDB done: %lld keys deleted"), (long long) before);
  count = g_strdup_printf ("%" G_GINT64_FORMAT, before);
  sn_action_context_set_output (context, "deleted", count);
  return TRUE;
}

static const SnActionInfo flush_action = {
  .name = "cache.flush",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = flush_describe,
  .impact = flush_impact,
  .run = flush_run,
};

/* cache.ttl { "key": "planning:last_update", "seconds": 3600 | "persist": true } ---------- */

/* The seconds asked, SN_CACHE_TTL_PERSIST, or 0 with @error set. */
static gint64
ttl_seconds (JsonObject  *args,
             GError     **error)
{
  JsonNode *node = json_object_get_member (args, "seconds");
  gint64 seconds = 0;

  gboolean persist = json_object_get_boolean_member_with_default (args, "persist", FALSE);

  if (persist && node == NULL)
    return SN_CACHE_TTL_PERSIST;
  if (!persist && node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    seconds = json_node_get_int (node);
  else if (!persist && node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      seconds = g_ascii_strtoll (text, &end, 10);
      if (end == text || *end != '\0')
        seconds = 0;
    }
  if (seconds <= 0)
    g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                 _("Give “seconds” (a whole number above 0) or “persist”: true, not both."));
  return seconds > 0 ? seconds : 0;
}

static gboolean
ttl_check (JsonObject  *args,
           GError     **error)
{
  return sn_action_args_get_string (args, "key", TRUE, error) != NULL && ttl_seconds (args, error) != 0;
}

static char *
ttl_describe (SnActionContext *context,
              JsonObject      *args)
{
  g_autofree char *label = backend_label (context);
  const char *key = json_object_get_string_member_with_default (args, "key", "KEY");
  gint64 seconds = ttl_seconds (args, NULL);

  if (seconds == SN_CACHE_TTL_PERSIST)
    return g_strdup_printf ("PERSIST %s (%s)", key, label);
  return g_strdup_printf ("EXPIRE %s %" G_GINT64_FORMAT " (%s)", key, seconds, label);
}

static gboolean
ttl_run (SnActionContext  *context,
         JsonObject       *args,
         GError          **error)
{
  g_autoptr(SnCacheBackend) backend = NULL;
  const char *key;
  gint64 seconds;

  if (!(key = sn_action_args_get_string (args, "key", TRUE, error)) || !(seconds = ttl_seconds (args, error)))
    return FALSE;
  /* The level before connecting; the service checks it again. */
  if (!sn_profile_check_level (sn_action_context_get_profile (context), SN_SAFETY_LEVEL_ADMIN,
                               _("change a cache key’s time to live"), error))
    return FALSE;
  if (!(backend = get_backend (context, error)) ||
      !sn_cache_set_ttl_sync (backend, key, seconds, sn_action_context_get_cancellable (context), error))
    return FALSE;

  if (seconds == SN_CACHE_TTL_PERSIST)
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("%s no longer expires"), key);
  else
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("%s now expires in %lld s"), key, (long long) seconds);
  return TRUE;
}

static const SnActionInfo ttl_action = {
  .name = "cache.ttl",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
  .check = ttl_check,
  .describe = ttl_describe,
  .run = ttl_run,
};

void
sn_cache_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&keys_action);
      sn_action_register (&unlink_action);
      sn_action_register (&date_action);
      sn_action_register (&flush_action);
      sn_action_register (&ttl_action);
      g_once_init_leave (&initialized, 1);
    }
}
