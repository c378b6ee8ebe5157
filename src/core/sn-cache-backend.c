/* sn-cache-backend.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-await.h"
#include "sn-cache-backend.h"

G_DEFINE_QUARK (sn-cache-error-quark, sn_cache_error)

G_DEFINE_INTERFACE (SnCacheBackend, sn_cache_backend, G_TYPE_OBJECT)

static void
sn_cache_backend_default_init (SnCacheBackendInterface *iface)
{
}

/**
 * sn_cache_backend_new_for_profile:
 *
 * Returns: (transfer full) (nullable): a backend, not connected yet
 */
SnCacheBackend *
sn_cache_backend_new_for_profile (SnProfile      *profile,
                                  SnSecretStore  *secrets,
                                  GError        **error)
{
  const char *url;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  if (secrets == NULL)
    secrets = sn_secret_store_get_default ();

  if (sn_profile_get_cache_backend (profile) == SN_CACHE_BACKEND_KIND_REDIS_TUNNEL)
    return _sn_redis_backend_new_tunnel (profile, secrets);

  url = sn_profile_get_upstash_url (profile);
  if (url == NULL || *url == '\0')
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("Profile “%s” uses Upstash but has no Upstash URL. Copy the REST URL "
                     "(UPSTASH_REDIS_REST_URL) into the profile."),
                   sn_profile_get_name (profile));
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("“%s” is not a valid cache URL. Use the REST URL, such as "
                     "https://eu1-example-12345.upstash.io."), url);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "rediss") == 0)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_UNSUPPORTED,
                   _("TLS Redis URLs (rediss://) are not supported in this build: its hiredis "
                     "has no TLS. Use the Upstash REST URL (https://…) and its token instead."));
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "redis") == 0)
    {
      const char *password = NULL;
      g_autofree char *userinfo_password = NULL;

      if (g_uri_get_userinfo (uri) != NULL)
        {
          const char *colon = strchr (g_uri_get_userinfo (uri), ':');

          userinfo_password = g_uri_unescape_string (colon != NULL ? colon + 1 : g_uri_get_userinfo (uri), NULL);
          password = userinfo_password;
        }
      return _sn_redis_backend_new_direct (profile, secrets, g_uri_get_host (uri),
                                           g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : 6379,
                                           password);
    }

  if (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0)
    return _sn_upstash_backend_new (profile, secrets, url);

  g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
               _("“%s” is neither an Upstash REST URL (https://…) nor a Redis URL (redis://…)."), url);
  return NULL;
}

/**
 * sn_cache_backend_get_profile:
 *
 * Returns: (transfer none): the profile the backend was made for
 */
SnProfile *
sn_cache_backend_get_profile (SnCacheBackend *self)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), NULL);

  return g_object_get_data (G_OBJECT (self), "sn-profile");
}

void
sn_cache_backend_connect_async (SnCacheBackend      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SN_IS_CACHE_BACKEND (self));

  SN_CACHE_BACKEND_GET_IFACE (self)->connect_async (self, cancellable, callback, user_data);
}

gboolean
sn_cache_backend_connect_finish (SnCacheBackend  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), FALSE);

  return SN_CACHE_BACKEND_GET_IFACE (self)->connect_finish (self, result, error);
}

gboolean
sn_cache_backend_connect_sync (SnCacheBackend  *self,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), FALSE);

  sn_await_push_private (&await);
  sn_cache_backend_connect_async (self, cancellable, sn_await_callback, &await);
  return sn_cache_backend_connect_finish (self, sn_await_result (&await), error);
}

void
sn_cache_backend_disconnect (SnCacheBackend *self)
{
  g_return_if_fail (SN_IS_CACHE_BACKEND (self));

  SN_CACHE_BACKEND_GET_IFACE (self)->disconnect (self);
}

char *
sn_cache_backend_describe (SnCacheBackend *self)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), NULL);

  return SN_CACHE_BACKEND_GET_IFACE (self)->describe (self);
}

gboolean
sn_cache_backend_is_redis_server (SnCacheBackend *self)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), FALSE);

  return SN_CACHE_BACKEND_GET_IFACE (self)->is_redis_server (self);
}

/**
 * sn_cache_backend_command_sync:
 * @argv: (array zero-terminated=1): the command and its arguments
 *
 * Returns: (transfer full) (nullable): the reply, %NULL on error
 */
JsonNode *
sn_cache_backend_command_sync (SnCacheBackend      *self,
                               const char * const  *argv,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return SN_CACHE_BACKEND_GET_IFACE (self)->command_sync (self, argv, cancellable, error);
}

/**
 * sn_cache_backend_command:
 * @first: the command's name, then its arguments, then %NULL
 *
 * Returns: (transfer full) (nullable): the reply
 */
JsonNode *
sn_cache_backend_command (SnCacheBackend  *self,
                          GCancellable    *cancellable,
                          GError         **error,
                          const char      *first,
                          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) first);
  va_start (ap, first);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  return sn_cache_backend_command_sync (self, (const char * const *) argv->pdata, cancellable, error);
}

/**
 * sn_cache_backend_pipeline_sync:
 * @commands: (element-type GStrv): the commands, sent at once
 *
 * Returns: (transfer full) (element-type JsonNode) (nullable): one reply per command
 */
GPtrArray *
sn_cache_backend_pipeline_sync (SnCacheBackend  *self,
                                GPtrArray       *commands,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_return_val_if_fail (SN_IS_CACHE_BACKEND (self), NULL);
  g_return_val_if_fail (commands != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (commands->len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  return SN_CACHE_BACKEND_GET_IFACE (self)->pipeline_sync (self, commands, cancellable, error);
}

static void
command_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  JsonNode *reply;

  reply = sn_cache_backend_command_sync (source, task_data, cancellable, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) json_node_unref);
}

void
sn_cache_backend_command_async (SnCacheBackend      *self,
                                const char * const  *argv,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_CACHE_BACKEND (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_cache_backend_command_async);
  g_task_set_task_data (task, g_strdupv ((char **) argv), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, command_thread);
}

JsonNode *
sn_cache_backend_command_finish (SnCacheBackend  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sn_cache_backend_scan_page_sync (SnCacheBackend  *self,
                                 const char      *cursor,
                                 const char      *pattern,
                                 guint            count,
                                 char           **next_cursor,
                                 GPtrArray       *keys,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *count_text = g_strdup_printf ("%u", count > 0 ? count : 1000);
  JsonArray *array;
  JsonNode *cursor_node;
  JsonNode *keys_node;
  JsonArray *page;

  reply = sn_cache_backend_command (self, cancellable, error, "SCAN", cursor,
                                    "MATCH", pattern != NULL && *pattern != '\0' ? pattern : "*",
                                    "COUNT", count_text, NULL);
  if (reply == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (reply) || json_array_get_length (array = json_node_get_array (reply)) != 2 ||
      !JSON_NODE_HOLDS_ARRAY (keys_node = json_array_get_element (array, 1)) ||
      !JSON_NODE_HOLDS_VALUE (cursor_node = json_array_get_element (array, 0)))
    {
      g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                           _("The server answered SCAN with something other than a cursor and a list of keys."));
      return FALSE;
    }

  page = json_node_get_array (keys_node);
  for (guint i = 0; i < json_array_get_length (page); i++)
    {
      const char *key = json_array_get_string_element (page, i);

      if (key != NULL)
        g_ptr_array_add (keys, g_strdup (key));
    }

  if (json_node_get_value_type (cursor_node) == G_TYPE_STRING)
    *next_cursor = g_strdup (json_node_get_string (cursor_node));
  else
    *next_cursor = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (cursor_node));

  return TRUE;
}

/**
 * sn_cache_backend_scan_all_sync:
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the keys, SCAN
 *   order, each once (SCAN may return a key twice; duplicates are dropped)
 */
GPtrArray *
sn_cache_backend_scan_all_sync (SnCacheBackend  *self,
                                const char      *pattern,
                                guint            limit,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *cursor = g_strdup ("0");

  do
    {
      char *next = NULL;

      g_ptr_array_set_size (page, 0);
      if (!sn_cache_backend_scan_page_sync (self, cursor, pattern, 1000, &next, page, cancellable, error))
        return NULL;
      g_free (cursor);
      cursor = next;

      for (guint i = 0; i < page->len; i++)
        {
          char *key = page->pdata[i];

          if (g_hash_table_contains (seen, key))
            continue;
          page->pdata[i] = NULL;
          g_ptr_array_add (keys, key);
          g_hash_table_add (seen, key);
          if (limit > 0 && keys->len >= limit)
            return g_steal_pointer (&keys);
        }
    }
  while (g_strcmp0 (cursor, "0") != 0);

  return g_steal_pointer (&keys);
}

gint64
sn_cache_throttle_pause_us (SnCacheThrottle *throttle,
                            gint64           round_trip_us)
{
  guint n = MIN (throttle->n, G_N_ELEMENTS (throttle->recent));
  gint64 fastest = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    fastest = MIN (fastest, throttle->recent[i]);
  throttle->recent[throttle->n++ % G_N_ELEMENTS (throttle->recent)] = round_trip_us;

  if (n == 0 || round_trip_us <= MAX (4 * fastest, 20000))
    return 0;
  return MIN (round_trip_us, 250000);
}

gint64
sn_cache_reply_get_int (JsonNode *reply,
                        gint64    fallback)
{
  if (reply == NULL || !JSON_NODE_HOLDS_VALUE (reply))
    return fallback;

  if (json_node_get_value_type (reply) == G_TYPE_INT64)
    return json_node_get_int (reply);
  if (json_node_get_value_type (reply) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (reply);
  if (json_node_get_value_type (reply) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (reply);
      char *end = NULL;
      gint64 value = g_ascii_strtoll (text, &end, 10);

      return end != text && *end == '\0' ? value : fallback;
    }
  return fallback;
}

const char *
sn_cache_reply_get_string (JsonNode *reply)
{
  if (reply == NULL || !JSON_NODE_HOLDS_VALUE (reply) || json_node_get_value_type (reply) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (reply);
}

/* The message of a pipeline reply {"error": "..."}, else %NULL. */
const char *
sn_cache_reply_get_error (JsonNode *reply)
{
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    return NULL;

  return json_object_get_string_member_with_default (json_node_get_object (reply), "error", NULL);
}

GError *
sn_cache_error_from_reply (const char *message,
                           const char *command)
{
  if (g_str_has_prefix (message, "NOPERM"))
    return g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_PERMISSION,
                        _("The cache refused %s for these credentials (%s). A read-only token or "
                          "user cannot change the cache: use an operator profile."),
                        command, message);
  if (g_str_has_prefix (message, "WRONGPASS") || g_str_has_prefix (message, "NOAUTH") ||
      strstr (message, "invalid password") != NULL)
    return g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH,
                        _("The cache refused the password (%s). Check the profile’s Redis password."),
                        message);

  return g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_COMMAND, _("The cache refused %s: %s"),
                      command, message);
}
