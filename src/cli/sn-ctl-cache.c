/* sn-ctl-cache.c: narcisse-ctl cache keys|get|stats|delete|invalidate|flush
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sn-cache-service.h"
#include "sn-ctl.h"

/* Keys named in a preview before "… and N more". */
#define SAMPLE 20
#define DETAILS_BYTES (64 * 1024)

typedef struct
{
  SnProfile      *profile;
  SnCacheBackend *backend;
  GCancellable   *cancellable;
  guint           sigint;
} Ctx;

static void
ctx_clear (Ctx *ctx)
{
  if (ctx->sigint != 0)
    g_source_remove (ctx->sigint);
  if (ctx->backend != NULL)
    sn_cache_backend_disconnect (ctx->backend);
  g_clear_object (&ctx->backend);
  g_clear_object (&ctx->profile);
  g_clear_object (&ctx->cancellable);
}

static int
status_for (const GError *error)
{
  if (g_error_matches (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL) ||
      g_error_matches (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PERMISSION))
    return SN_CTL_EXIT_REFUSED;
  return SN_CTL_EXIT_FAILURE;
}

/* The profile only (for the runbook commands, which connect themselves). */
static gboolean
ctx_init_profile (Ctx    *ctx,
                  SnCtl  *ctl)
{
  ctx->cancellable = g_cancellable_new ();
  ctx->profile = sn_ctl_open_profile (ctl);
  return ctx->profile != NULL;
}

static gboolean
ctx_init (Ctx    *ctx,
          SnCtl  *ctl)
{
  g_autoptr(GError) error = NULL;

  if (!ctx_init_profile (ctx, ctl))
    return FALSE;

  if (!(ctx->backend = sn_cache_backend_new_for_profile (ctx->profile, NULL, &error)) ||
      !sn_cache_backend_connect_sync (ctx->backend, ctx->cancellable, &error))
    {
      sn_ctl_print_error (error);
      return FALSE;
    }
  ctx->sigint = sn_ctl_cancel_on_interrupt (ctx->cancellable);
  return TRUE;
}

/* cache keys PATTERN [--limit N] ------------------------------------------- */

static int
cache_keys (Ctx    *ctx,
            int     argc,
            char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = g_strdup ("0");
  int limit = 0;
  int status;
  guint printed = 0;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Stop after N keys"), N_("N") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache keys", _("PATTERN"),
                                       _("Print the keys that match PATTERN (a Redis MATCH pattern such "
                                         "as rate:*), one per line and nothing else, by SCAN pages of "
                                         "1000: the cache is never blocked."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache keys", &argc, &argv, &status))
    return status;
  if (argc > 2)
    return sn_ctl_usage_error ("cache keys", _("Give one pattern (quote it for the shell)"));
  if (limit < 0)
    return sn_ctl_usage_error ("cache keys", _("--limit must be 0 or more"));

  do
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_free);
      char *next = NULL;

      if (!sn_cache_backend_scan_page_sync (ctx->backend, cursor, argc == 2 ? argv[1] : "*", 1000, &next,
                                            page, ctx->cancellable, &error))
        {
          fflush (stdout);
          sn_ctl_print_error (error);
          return status_for (error);
        }
      g_free (cursor);
      cursor = next;

      for (guint i = 0; i < page->len; i++)
        {
          char *key = page->pdata[i];

          if (g_hash_table_contains (seen, key))
            continue;
          g_hash_table_add (seen, g_steal_pointer (&page->pdata[i]));
          g_print ("%s\n", key);
          if (limit > 0 && ++printed >= (guint) limit)
            return SN_CTL_EXIT_OK;
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (g_strcmp0 (cursor, "0") != 0);

  return SN_CTL_EXIT_OK;
}

/* cache get KEY [--full] ------------------------------------------------------ */

static char *
ttl_words (gint64 ttl_ms)
{
  if (ttl_ms == -1)
    return g_strdup (_("none (persistent)"));
  if (ttl_ms < 0)
    return g_strdup (_("gone"));
  return g_strdup_printf (_("%lld ms"), (long long) ttl_ms);
}

static int
cache_get (Ctx    *ctx,
           int     argc,
           char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnCacheKeyDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ttl = NULL;
  gboolean full = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, N_("Print only the whole value of a string key, however long"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache get", _("KEY"),
                                       _("Show a key: type, TTL, size and its value (JSON pretty-printed; "
                                         "the start only of a long value unless --full)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache get", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("cache get", _("Name one key"));

  if (full)
    {
      g_autofree char *value = sn_cache_fetch_full_value_sync (ctx->backend, argv[1], ctx->cancellable, &error);

      if (value == NULL)
        {
          sn_ctl_print_error (error);
          return status_for (error);
        }
      g_print ("%s\n", value);
      return SN_CTL_EXIT_OK;
    }

  if (!(details = sn_cache_fetch_details_sync (ctx->backend, argv[1], DETAILS_BYTES, ctx->cancellable, &error)))
    {
      sn_ctl_print_error (error);
      return status_for (error);
    }
  if (details->type == SN_KEY_TYPE_NONE)
    {
      sn_ctl_printerr (_("No key “%s” (it may have expired)."), argv[1]);
      return SN_CTL_EXIT_FAILURE;
    }

  ttl = ttl_words (details->ttl_ms);
  g_print (_("Key: %s\n"), details->key);
  g_print (_("Type: %s\n"), sn_key_type_to_string (details->type));
  g_print (_("Family: %s\n"), sn_key_family_to_label (sn_key_family_for_key (details->key)));
  g_print (_("TTL: %s\n"), ttl);
  g_print (_("Length: %lld\n"), (long long) details->length);
  if (details->memory >= 0)
    g_print (_("Memory: %lld bytes\n"), (long long) details->memory);
  g_print ("\n%s\n", details->text);
  if (details->truncated)
    sn_ctl_printerr (_("Only the start is shown; “cache get --full %s” prints a whole string value."), argv[1]);
  return SN_CTL_EXIT_OK;
}

/* cache stats [--json] ------------------------------------------------------------ */

static void
print_slowlog (JsonObject *object)
{
  JsonArray *entries;

  g_print ("\n%s\n", _("Slow log (SLOWLOG GET 10)"));
  if (!json_object_has_member (object, "slowlog"))
    {
      g_print ("  %s\n", json_object_get_string_member_with_default (object, "slowlog_note", ""));
      return;
    }
  entries = json_object_get_array_member (object, "slowlog");
  if (json_array_get_length (entries) == 0)
    g_print ("  %s\n", _("empty: no command was slower than the server’s threshold"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (json_object_get_int_member (entry, "time"));
      g_autofree char *stamp = when != NULL ? g_date_time_format (when, "%F %T") : g_strdup ("?");

      g_print (_("  %s  %8lld µs  %s\n"), stamp, (long long) json_object_get_int_member (entry, "duration_us"),
               json_object_get_string_member (entry, "command"));
    }
}

static void
print_app_counters (JsonObject *object)
{
  static const struct { const char *member; const char *label; } rows[] = {
    { "sweet_narcisse_cache_hits_total", N_("Hits") },
    { "sweet_narcisse_cache_misses_total", N_("Misses") },
    { "sweet_narcisse_cache_errors_total", N_("Errors") },
    { "sweet_narcisse_cache_hit_rate_percent", N_("Hit rate") },
  };
  JsonObject *app;

  g_print ("\n%s\n", _("The app’s own counters (/api/metrics)"));
  if (!json_object_has_member (object, "app"))
    {
      g_print ("  %s\n", json_object_get_string_member_with_default (object, "app_error", ""));
      return;
    }
  app = json_object_get_object_member (object, "app");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      JsonNode *node = json_object_get_member (app, rows[i].member);

      g_print ("  ");
      sn_ctl_print_padded (_(rows[i].label), 24);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        g_print ("%s\n", _("not exported by this app"));
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        g_print ("%.2f %%\n", json_node_get_double (node));
      else
        g_print ("%" G_GINT64_FORMAT "\n", json_node_get_int (node));
    }
  g_print ("  %s\n  %s\n", json_object_get_string_member_with_default (app, "note", ""),
           json_object_get_string_member_with_default (app, "admin_endpoint", ""));
}

static int
cache_stats (Ctx    *ctx,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  JsonObject *object;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  static const struct { const char *member; const char *label; } rows[] = {
    { "dbsize", N_("Keys") },
    { "used_memory", N_("Memory used (bytes)") },
    { "keyspace_hits", N_("Hits") },
    { "keyspace_misses", N_("Misses") },
    { "instantaneous_ops_per_sec", N_("Operations per second") },
    { "connected_clients", N_("Connected clients") },
    { "evicted_keys", N_("Evicted keys") },
    { "expired_keys", N_("Expired keys") },
    { "redis_version", N_("Redis version") },
  };

  context = sn_ctl_option_context_new ("cache stats", NULL,
                                       _("Show the cache's figures: keys, memory, hits and misses, hit rate, "
                                         "operations per second, clients, evicted and expired keys (what the "
                                         "server gives: Upstash gives fewer), the slow log (Redis server "
                                         "only) and the app's own cache counters from /api/metrics."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache stats", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("cache stats", _("No argument expected"));

  if (!(stats = sn_cache_stats_sync (ctx->backend, ctx->cancellable, &error)))
    {
      sn_ctl_print_error (error);
      return status_for (error);
    }

  if (json)
    {
      sn_ctl_print_json (stats);
      return SN_CTL_EXIT_OK;
    }

  object = json_node_get_object (stats);
  g_print ("%s\n", json_object_get_string_member (object, "backend"));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      JsonNode *node = json_object_get_member (object, rows[i].member);

      if (node == NULL)
        continue;
      sn_ctl_print_padded (_(rows[i].label), 26);
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_print ("%s\n", json_node_get_string (node));
      else
        g_print ("%" G_GINT64_FORMAT "\n", json_node_get_int (node));
    }
  if (json_object_has_member (object, "hit_rate"))
    {
      sn_ctl_print_padded (_("Hit rate"), 26);
      g_print ("%.2f %%\n", 100.0 * json_object_get_double_member (object, "hit_rate"));
    }
  print_slowlog (object);
  print_app_counters (object);
  return SN_CTL_EXIT_OK;
}

/* cache delete KEY... | --pattern PATTERN [--yes] ------------------------------- */

static void
print_preview (GPtrArray *keys)
{
  g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u key will be deleted:\n", "%u keys will be deleted:\n",
                           keys->len), keys->len);
  for (guint i = 0; i < keys->len && i < SAMPLE; i++)
    g_printerr ("  %s\n", (const char *) keys->pdata[i]);
  if (keys->len > SAMPLE)
    g_printerr (_("  … and %u more\n"), keys->len - SAMPLE);
}

static gboolean
confirmed (const char *question)
{
  char answer[64] = { 0 };

  if (!isatty (STDIN_FILENO))
    return FALSE;
  g_printerr ("%s ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "yes") == 0 || g_ascii_strcasecmp (answer, _("yes")) == 0;
}

static void
on_delete_progress (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  if (isatty (STDERR_FILENO))
    g_printerr ("\r%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, done, total);
}

static int
cache_delete (Ctx    *ctx,
              int     argc,
              char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  GAsyncResult *result;
  gboolean yes = FALSE;
  guint64 deleted = 0;
  int status;
  const GOptionEntry entries[] = {
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &pattern, N_("Delete every key matching PATTERN"), N_("PATTERN") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask (needed without a terminal)"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache delete", _("[KEY…]"),
                                       _("Delete the keys named, or every key matching --pattern: the exact "
                                         "list is counted and shown first, then exactly those keys are "
                                         "deleted in batches (UNLINK). Needs an operator profile; audited. "
                                         "Exit status: 0 deleted, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache delete", &argc, &argv, &status))
    return status;
  if ((pattern == NULL) == (argc < 2))
    return sn_ctl_usage_error ("cache delete", _("Name keys, or give --pattern PATTERN (not both)"));

  /* The level before anything else, also before the preview. */
  if (!sn_profile_check_level (ctx->profile, SN_SAFETY_LEVEL_OPERATOR, _("delete cache keys"), &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_REFUSED;
    }

  if (pattern != NULL)
    {
      if (!(keys = sn_cache_preview_sync (ctx->backend, pattern, ctx->cancellable, &error)))
        {
          sn_ctl_print_error (error);
          return status_for (error);
        }
    }
  else
    {
      keys = g_ptr_array_new_with_free_func (g_free);
      for (int i = 1; i < argc; i++)
        g_ptr_array_add (keys, g_strdup (argv[i]));
    }

  if (keys->len == 0)
    {
      g_print ("%s\n", _("No key matches: nothing was deleted."));
      return SN_CTL_EXIT_OK;
    }

  print_preview (keys);
  if (!yes && !confirmed (_("Delete them? Type yes to go on:")))
    {
      sn_ctl_printerr (isatty (STDIN_FILENO) ? _("Not confirmed: nothing was deleted.")
                                             : _("There is no terminal to ask: add --yes to delete. "
                                                 "Nothing was deleted."));
      return SN_CTL_EXIT_REFUSED;
    }

  sn_cache_delete_keys_async (ctx->backend, keys, on_delete_progress, NULL, NULL, ctx->cancellable,
                              sn_await_callback, &await);
  result = sn_await_result (&await);
  if (isatty (STDERR_FILENO))
    g_printerr ("\n");
  if (!sn_cache_delete_keys_finish (ctx->backend, result, &deleted, &error))
    {
      sn_ctl_print_error (error);
      sn_ctl_printerr (_("%llu keys were deleted before it stopped."), (unsigned long long) deleted);
      return status_for (error);
    }

  g_print (g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " key deleted\n",
                        "%" G_GUINT64_FORMAT " keys deleted\n", deleted), deleted);
  return SN_CTL_EXIT_OK;
}

/* cache ttl KEY SECONDS | cache ttl KEY --persist ------------------------------------ */

static int
cache_ttl (Ctx    *ctx,
           int     argc,
           char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean persist = FALSE;
  gint64 seconds = SN_CACHE_TTL_PERSIST;
  int status;
  const GOptionEntry entries[] = {
    { "persist", 0, 0, G_OPTION_ARG_NONE, &persist, N_("Remove the key's time to live: it no longer expires"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache ttl", _("KEY SECONDS|--persist"),
                                       _("Set how long a key lives (EXPIRE KEY SECONDS), or make it persistent "
                                         "(PERSIST). Needs an admin profile; audited. Exit status: 0 done, "
                                         "2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache ttl", &argc, &argv, &status))
    return status;
  if (argc != (persist ? 2 : 3))
    return sn_ctl_usage_error ("cache ttl", _("Name one key, then a number of seconds or --persist"));
  if (!persist)
    {
      char *end = NULL;

      seconds = g_ascii_strtoll (argv[2], &end, 10);
      if (end == argv[2] || *end != '\0' || seconds <= 0)
        return sn_ctl_usage_error ("cache ttl", _("SECONDS must be a whole number above 0"));
    }

  if (!sn_cache_set_ttl_sync (ctx->backend, argv[1], seconds, ctx->cancellable, &error))
    {
      sn_ctl_print_error (error);
      return status_for (error);
    }
  if (persist)
    g_print (_("%s no longer expires\n"), argv[1]);
  else
    g_print (_("%s now expires in %lld s\n"), argv[1], (long long) seconds);
  return SN_CTL_EXIT_OK;
}

/* cache invalidate --date D | cache flush: the runbooks ----------------------------- */

static int
run_runbook (Ctx             *ctx,
             const char      *id,
             GHashTable      *params,
             SnCtlRunOptions *options)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
  SnRunbook *runbook;

  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, id)))
    return SN_CTL_EXIT_FAILURE;
  return sn_ctl_run_runbook (runbook, ctx->profile, params, options, NULL);
}

static int
cache_invalidate (Ctx    *ctx,
                  int     argc,
                  char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *date = NULL;
  SnCtlRunOptions options = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The tour date, YYYY-MM-DD"), N_("DATE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show the keys it would delete; change nothing"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache invalidate", NULL,
                                       _("Clear what the cache holds for a tour date: the keys under "
                                         "availability:DATE: and bookings:DATE: (runbook "
                                         "cache-invalidate-date). Exit status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache invalidate", &argc, &argv, &status))
    return status;
  if (date == NULL || argc != 1)
    return sn_ctl_usage_error ("cache invalidate", _("--date YYYY-MM-DD is required"));

  g_hash_table_insert (params, (char *) "date", date);
  return run_runbook (ctx, "cache-invalidate-date", params, &options);
}

static int
cache_flush (Ctx    *ctx,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *confirm = NULL;
  SnCtlRunOptions options = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"), N_("NAME") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show what it would delete; change nothing"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("cache flush", NULL,
                                       _("Empty the cache database (FLUSHDB, never FLUSHALL): resets everyone's "
                                         "rate limits and deletes planning:last_update (runbook cache-flush). "
                                         "Exit status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "cache flush", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("cache flush", _("No argument expected"));

  options.confirm = confirm;
  return run_runbook (ctx, "cache-flush", NULL, &options);
}

int
sn_ctl_cache (SnCtl  *ctl,
              int     argc,
              char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "keys", NULL }, { "get", NULL }, { "stats", NULL }, { "delete", NULL }, { "invalidate", NULL },
    { "flush", NULL }, { "ttl", NULL },
  };
  const SnCtlSubcommand *sub;
  gboolean runbook;
  Ctx ctx = { NULL };
  int status;

  sub = sn_ctl_lookup_subcommand ("cache",
                                  _("Usage: narcisse-ctl cache keys PATTERN [--limit N] | get KEY [--full] | "
                                    "stats [--json] | delete KEY… | delete --pattern PATTERN [--yes] | "
                                    "invalidate --date YYYY-MM-DD [--yes] | flush [--yes] [--confirm NAME] | "
                                    "ttl KEY SECONDS|--persist"),
                                  subcommands, G_N_ELEMENTS (subcommands), argc, argv, &status);
  if (sub == NULL)
    return status;

  /* The runbooks connect on their own, after their level check. */
  runbook = g_str_equal (sub->name, "invalidate") || g_str_equal (sub->name, "flush");
  if (!(runbook ? ctx_init_profile (&ctx, ctl) : ctx_init (&ctx, ctl)))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }

  if (g_str_equal (sub->name, "keys"))
    status = cache_keys (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "get"))
    status = cache_get (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "stats"))
    status = cache_stats (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "delete"))
    status = cache_delete (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "ttl"))
    status = cache_ttl (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "invalidate"))
    status = cache_invalidate (&ctx, argc - 1, argv + 1);
  else
    status = cache_flush (&ctx, argc - 1, argv + 1);

  ctx_clear (&ctx);
  return status;
}
