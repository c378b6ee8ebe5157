/* sn-cache-metrics.c: the app's own cache counters and the Redis slowlog, for the stats
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "sn-cache-service.h"
#include "sn-net.h"

#define METRICS_TIMEOUT_SECONDS 5
#define METRICS_MAX_BYTES (4 * 1024 * 1024)
#define SLOWLOG_ENTRIES "10"

/* What the real app exports (target-system.md §3.2): gauges despite "_total". */
static const char * const app_counters[] = {
  "sweet_narcisse_cache_hits_total",
  "sweet_narcisse_cache_misses_total",
  "sweet_narcisse_cache_errors_total",
  "sweet_narcisse_cache_hit_rate_percent",
};

/* Prometheus text format: "name value" or "name{labels} value [timestamp]";
 * only the label-less samples of @wanted are kept, name → value. */
static GHashTable *
parse_prometheus (const char          *text,
                  const char * const  *wanted,
                  guint                n_wanted)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *space, *end = NULL;
      double value;

      if (line[0] == '#' || line[0] == '\0' || (space = strchr (line, ' ')) == NULL)
        continue;
      *space = '\0';
      if (strchr (line, '{') != NULL)
        continue;
      for (guint w = 0; w < n_wanted; w++)
        {
          if (strcmp (line, wanted[w]) != 0)
            continue;
          value = g_ascii_strtod (space + 1, &end);
          if (end != space + 1)
            g_hash_table_insert (values, g_strdup (line), g_memdup2 (&value, sizeof value));
        }
    }
  return values;
}

static char *
app_url (SnProfile   *profile,
         const char  *path,
         GError     **error)
{
  const char *site = sn_profile_get_site_url (profile);
  g_autofree char *base = NULL;

  if (site == NULL || *site == '\0')
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("The profile has no site address: add it to read the app’s cache counters."));
      return NULL;
    }
  base = g_strdup (site);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strconcat (base, path, NULL);
}

/* GET @url with one credential header, never in clear over the internet (as
 * for the health check), through the loopback guard. */
static GBytes *
app_get (const char    *url,
         const char    *header,
         const char    *value,
         const char    *what,
         GCancellable  *cancellable,
         guint         *status,
         GError       **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  GBytes *body;

  if (!sn_net_check_uri (url, error) || !(uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error)))
    return NULL;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 && !sn_net_host_is_loopback (g_uri_get_host (uri)))
    {
      /* Translators: the first %s is what was not sent, e.g. "The monitoring key" */
      g_set_error (error, SN_NET_ERROR, SN_NET_ERROR_INSECURE,
                   _("%s was not sent: “%s” is a plain http:// address. Use the site’s "
                     "https:// address in the profile."), what, url);
      return NULL;
    }

  session = soup_session_new_with_options ("timeout", METRICS_TIMEOUT_SECONDS, NULL);
  if (sn_net_loopback_only ())
    {
      g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

      soup_session_set_proxy_resolver (session, direct);
    }
  message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_append (soup_message_get_request_headers (message), header, value);
  body = soup_session_send_and_read (session, message, cancellable, error);
  *status = soup_message_get_status (message);
  if (body != NULL && g_bytes_get_size (body) > METRICS_MAX_BYTES)
    {
      g_bytes_unref (body);
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("%s answered with more than %u MiB."), url, METRICS_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  return body;
}

static char *
fetch_metrics_text (SnProfile     *profile,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) key_error = NULL;
  guint status = 0;

  if (!(url = app_url (profile, "/api/metrics", error)))
    return NULL;

  key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile, SN_SECRET_KIND_MONITORING_KEY,
                                     cancellable, &key_error);
  if (key == NULL || *key == '\0')
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("The app’s counters need the profile’s monitoring key (/api/metrics refuses "
                     "callers without it)%s%s"),
                   key_error != NULL ? ": " : ".", key_error != NULL ? key_error->message : "");
      return NULL;
    }

  body = app_get (url, "X-API-Key", key, _("The monitoring key"), cancellable, &status, error);
  if (body == NULL)
    return NULL;
  if (status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH,
                   _("%s refused the monitoring key (HTTP %u): check the profile’s monitoring key."),
                   url, status);
      return NULL;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("%s answered HTTP %u instead of the metrics."), url, status);
      return NULL;
    }
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/*
 * /api/admin/cache/metrics (target-system §4.5) wants an Auth.js session
 * cookie, which a profile may hold as a secret ("name=value" as the browser
 * sends it). Returns the line the stats show, and sets @admin_out to the
 * endpoint's own figures when it answered.
 */
static char *
dup_admin_metrics (SnProfile     *profile,
                   GCancellable  *cancellable,
                   JsonNode     **admin_out)
{
  g_autofree char *cookie = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  guint status = 0;

  *admin_out = NULL;
  cookie = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile, SN_SECRET_KIND_APP_SESSION_COOKIE,
                                        cancellable, NULL);
  if (cookie == NULL || *g_strstrip (cookie) == '\0')
    return g_strdup (_("/api/admin/cache/metrics needs a session cookie, which the profile does not hold "
                       "(add one in the profile): the same counters come from /api/metrics."));

  if (!(url = app_url (profile, "/api/admin/cache/metrics", &error)) ||
      !(body = app_get (url, "Cookie", cookie, _("The session cookie"), cancellable, &status, &error)))
    return g_strdup_printf ("/api/admin/cache/metrics: %s", error->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return g_strdup_printf (_("/api/admin/cache/metrics refused the profile’s session cookie (HTTP %u): it has "
                              "probably expired. Log in on the site and copy the new cookie into the profile."),
                            status);
  node = json_from_string (g_bytes_get_data (body, NULL) != NULL ? g_bytes_get_data (body, NULL) : "", NULL);
  if (status != SOUP_STATUS_OK || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup_printf (_("%s answered HTTP %u instead of the cache metrics."), url, status);

  object = json_node_get_object (node);
  *admin_out = json_node_ref (node);
  /* Translators: the admin endpoint's figures; the hit rate comes as the app writes it, e.g. "80.00%" */
  return g_strdup_printf (_("/api/admin/cache/metrics: %lld hits, %lld misses, %lld errors, hit rate %s, "
                            "%lld in all (at %s)"),
                          (long long)json_object_get_int_member_with_default (object, "hits", 0),
                          (long long)json_object_get_int_member_with_default (object, "misses", 0),
                          (long long)json_object_get_int_member_with_default (object, "errors", 0),
                          json_object_get_string_member_with_default (object, "hitRate", "?"),
                          (long long)json_object_get_int_member_with_default (object, "total", 0),
                          json_object_get_string_member_with_default (object, "timestamp", "?"));
}

JsonNode *
sn_cache_app_metrics_sync (SnProfile     *profile,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *missing = json_array_new ();
  JsonNode *node;

  if (!(text = fetch_metrics_text (profile, cancellable, error)))
    {
      json_array_unref (missing);
      return NULL;
    }
  values = parse_prometheus (text, app_counters, G_N_ELEMENTS (app_counters));
  for (guint i = 0; i < G_N_ELEMENTS (app_counters); i++)
    {
      const double *value = g_hash_table_lookup (values, app_counters[i]);

      /* Not exported is not zero: say so. */
      if (value == NULL)
        {
          json_object_set_null_member (object, app_counters[i]);
          json_array_add_string_element (missing, app_counters[i]);
        }
      else if (g_str_has_suffix (app_counters[i], "_percent"))
        json_object_set_double_member (object, app_counters[i], *value);
      else
        json_object_set_int_member (object, app_counters[i], (gint64) *value);
    }
  json_object_set_array_member (object, "not_exported", missing);
  json_object_set_string_member (object, "note",
                                 _("Per app process, reset when the app restarts; they count only reads "
                                   "through the app’s shared cache helper."));
  {
    g_autofree char *line = NULL;
    JsonNode *admin = NULL;

    line = dup_admin_metrics (profile, cancellable, &admin);
    json_object_set_string_member (object, "admin_endpoint", line);
    if (admin != NULL)
      json_object_set_member (object, "admin_metrics", admin);
  }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

JsonNode *
sn_cache_slowlog_sync (SnCacheBackend  *backend,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *entries, *out;
  JsonNode *node;

  if (!sn_cache_backend_is_redis_server (backend))
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_UNSUPPORTED,
                   _("SLOWLOG is not available over Upstash’s REST API: see the Upstash console."));
      return NULL;
    }
  reply = sn_cache_backend_command (backend, cancellable, error, "SLOWLOG", "GET", SLOWLOG_ENTRIES, NULL);
  if (reply == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (reply))
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL, _("SLOWLOG GET gave an unexpected answer."));
      return NULL;
    }

  /* Each entry: id, unix time, microseconds, [command and arguments], client, name. */
  entries = json_node_get_array (reply);
  out = json_array_new ();
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry_node = json_array_get_element (entries, i);
      JsonArray *entry;
      JsonObject *item;
      g_autoptr(GString) command = g_string_new (NULL);

      if (!JSON_NODE_HOLDS_ARRAY (entry_node) || json_array_get_length (entry = json_node_get_array (entry_node)) < 4)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (json_array_get_element (entry, 3)))
        {
          JsonArray *args = json_array_get_array_element (entry, 3);

          for (guint a = 0; a < json_array_get_length (args); a++)
            {
              const char *arg = sn_cache_reply_get_string (json_array_get_element (args, a));

              g_string_append_printf (command, "%s%s", a > 0 ? " " : "", arg != NULL ? arg : "?");
            }
        }
      item = json_object_new ();
      json_object_set_int_member (item, "id", sn_cache_reply_get_int (json_array_get_element (entry, 0), -1));
      json_object_set_int_member (item, "time", sn_cache_reply_get_int (json_array_get_element (entry, 1), -1));
      json_object_set_int_member (item, "duration_us",
                                  sn_cache_reply_get_int (json_array_get_element (entry, 2), -1));
      json_object_set_string_member (item, "command", command->str);
      json_array_add_object_element (out, item);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, out);
  return node;
}
