/* sn-cache-upstash.c: SnUpstashBackend, Upstash's Redis REST API (libsoup 3)
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

#include "sn-cache-backend.h"
#include "sn-net.h"

/*
 * target-system.md §4.1: POST <url> with "Authorization: Bearer <token>" and
 * a JSON array body (the command and its arguments as strings); the answer
 * is {"result": …} or {"error": "…"}. POST <url>/pipeline takes an array of
 * arrays and answers an array of such objects. Calls are synchronous, on
 * worker threads, one at a time.
 */

#define REQUEST_TIMEOUT_S 30

#define SN_TYPE_UPSTASH_BACKEND (sn_upstash_backend_get_type ())

G_DECLARE_FINAL_TYPE (SnUpstashBackend, sn_upstash_backend, SN, UPSTASH_BACKEND, GObject)

struct _SnUpstashBackend
{
  GObject        parent_instance;

  SnProfile     *profile;
  SnSecretStore *secrets;
  char          *url;       /* without a trailing slash */
  char          *token;
  GMutex         lock;
  SoupSession   *session;   /* under lock */
  gboolean       connected;
};

static void sn_upstash_backend_iface_init (SnCacheBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnUpstashBackend, sn_upstash_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SN_TYPE_CACHE_BACKEND, sn_upstash_backend_iface_init))

static void
sn_upstash_backend_finalize (GObject *object)
{
  SnUpstashBackend *self = SN_UPSTASH_BACKEND (object);

  g_clear_object (&self->session);
  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_free (self->url);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sn_upstash_backend_parent_class)->finalize (object);
}

static void
sn_upstash_backend_class_init (SnUpstashBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_upstash_backend_finalize;
}

static void
sn_upstash_backend_init (SnUpstashBackend *self)
{
  g_mutex_init (&self->lock);
}

static char *
body_for (const char * const *argv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; argv[i] != NULL; i++)
    json_builder_add_string_value (builder, argv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* POSTs @body to @path; returns the parsed answer, whatever its HTTP status
 * when it is JSON (errors come as {"error": …} with 400). */
static JsonNode *
post (SnUpstashBackend  *self,
      const char        *path,
      const char        *body,
      const char        *command,
      GCancellable      *cancellable,
      GError           **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autofree char *auth = NULL;
  guint status;

  message = soup_message_new (SOUP_METHOD_POST, uri);
  if (message == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("“%s” is not a valid Upstash URL."), self->url);
      return NULL;
    }

  auth = g_strconcat ("Bearer ", self->token != NULL ? self->token : "", NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
  request = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (message, "application/json", request);

  g_mutex_lock (&self->lock);
  if (self->session == NULL)
    {
      self->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S, NULL);
      /* With the loopback guard on, a system proxy would be a non-loopback
       * hop the guard never saw: go direct. */
      if (sn_net_loopback_only ())
        {
          g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

          soup_session_set_proxy_resolver (self->session, direct);
        }
    }
  response = soup_session_send_and_read (self->session, message, cancellable, &local_error);
  g_mutex_unlock (&self->lock);

  if (response == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONNECT,
                     _("Cannot reach Upstash at %s (%s). Check the profile’s Upstash URL and the "
                       "network."), self->url, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH,
                   _("Upstash refused the token of profile “%s” (HTTP %u). Copy the REST token "
                     "(UPSTASH_REDIS_REST_TOKEN) from the Upstash console into the profile."),
                   sn_profile_get_name (self->profile), status);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                                   g_bytes_get_size (response), NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("Upstash answered %s with HTTP %u and something that is not JSON."),
                   command, status);
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

/* {"result": X} → X; {"error": E} → GError. */
static JsonNode *
unwrap (JsonNode    *answer,
        const char  *command,
        GError     **error)
{
  JsonObject *object;
  JsonNode *result;

  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("Upstash answered %s with something other than a result."), command);
      return NULL;
    }

  object = json_node_get_object (answer);
  if (json_object_has_member (object, "error"))
    {
      g_propagate_error (error, sn_cache_error_from_reply (
                                  json_object_get_string_member_with_default (object, "error", "?"), command));
      return NULL;
    }

  if ((result = json_object_get_member (object, "result")) == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("Upstash answered %s with neither a result nor an error."), command);
      return NULL;
    }

  return json_node_copy (result);
}

static JsonNode *
sn_upstash_backend_command_sync (SnCacheBackend      *backend,
                                 const char * const  *argv,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  SnUpstashBackend *self = SN_UPSTASH_BACKEND (backend);
  g_autofree char *body = body_for (argv);
  g_autoptr(JsonNode) answer = NULL;

  if (!self->connected && g_ascii_strcasecmp (argv[0], "PING") != 0)
    {
      g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_NOT_CONNECTED,
                           _("Not connected to Upstash: connect first."));
      return NULL;
    }

  if (!(answer = post (self, "", body, argv[0], cancellable, error)))
    return NULL;

  return unwrap (answer, argv[0], error);
}

static GPtrArray *
sn_upstash_backend_pipeline_sync (SnCacheBackend  *backend,
                                  GPtrArray       *commands,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  SnUpstashBackend *self = SN_UPSTASH_BACKEND (backend);
  g_autoptr(GString) body = g_string_new ("[");
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *array;

  if (!self->connected)
    {
      g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_NOT_CONNECTED,
                           _("Not connected to Upstash: connect first."));
      return NULL;
    }

  for (guint i = 0; i < commands->len; i++)
    {
      g_autofree char *one = body_for (commands->pdata[i]);

      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, one);
    }
  g_string_append_c (body, ']');

  if (!(answer = post (self, "/pipeline", body->str, "pipeline", cancellable, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (answer) ||
      json_array_get_length (array = json_node_get_array (answer)) != commands->len)
    {
      g_autoptr(GError) inner = NULL;

      if (JSON_NODE_HOLDS_OBJECT (answer) && unwrap (answer, "pipeline", &inner) == NULL)
        g_propagate_error (error, g_steal_pointer (&inner));
      else
        g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                             _("Upstash answered a pipeline with the wrong number of results."));
      return NULL;
    }

  for (guint i = 0; i < commands->len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonNode *result = object != NULL ? json_object_get_member (object, "result") : NULL;

      if (object != NULL && json_object_has_member (object, "error"))
        g_ptr_array_add (replies, json_node_copy (element));
      else if (result != NULL)
        g_ptr_array_add (replies, json_node_copy (result));
      else
        g_ptr_array_add (replies, json_node_new (JSON_NODE_NULL));
    }

  return g_steal_pointer (&replies);
}

static void
ping_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SnUpstashBackend *self = source;
  g_autoptr(JsonNode) pong = NULL;
  GError *error = NULL;

  pong = sn_upstash_backend_command_sync (SN_CACHE_BACKEND (self), (const char *[]) { "PING", NULL },
                                          cancellable, &error);
  if (pong == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->connected = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnUpstashBackend *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *token;

  token = sn_secret_store_lookup_finish (SN_SECRET_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token == NULL || *token == '\0')
    {
      g_free (token);
      g_task_return_new_error (task, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                               _("Profile “%s” has no Upstash token. Copy the REST token "
                                 "(UPSTASH_REDIS_REST_TOKEN) into the profile."),
                               sn_profile_get_name (self->profile));
      return;
    }

  g_free (self->token);
  self->token = token;
  g_task_run_in_thread (task, ping_thread);
}

static void
sn_upstash_backend_connect_async (SnCacheBackend      *backend,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SnUpstashBackend *self = SN_UPSTASH_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_upstash_backend_connect_async);

  if (!sn_net_check_uri (self->url, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The token is a bearer credential: never in clear beyond this machine. */
  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
      !sn_net_host_is_loopback (g_uri_get_host (uri)))
    {
      g_task_return_new_error (task, SN_NET_ERROR, SN_NET_ERROR_INSECURE,
                               _("Refused to send the Upstash token in clear to %s: use the https:// "
                                 "URL."), g_uri_get_host (uri));
      return;
    }

  self->connected = FALSE;
  sn_secret_store_lookup_async (self->secrets, self->profile, SN_SECRET_KIND_UPSTASH_TOKEN,
                                cancellable, token_cb, g_steal_pointer (&task));
}

static gboolean
sn_upstash_backend_connect_finish (SnCacheBackend  *backend,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sn_upstash_backend_disconnect (SnCacheBackend *backend)
{
  SnUpstashBackend *self = SN_UPSTASH_BACKEND (backend);

  self->connected = FALSE;
  g_mutex_lock (&self->lock);
  g_clear_object (&self->session);
  g_mutex_unlock (&self->lock);
}

static char *
sn_upstash_backend_describe (SnCacheBackend *backend)
{
  return g_strdup_printf (_("Upstash REST %s"), SN_UPSTASH_BACKEND (backend)->url);
}

static gboolean
sn_upstash_backend_is_redis_server (SnCacheBackend *backend)
{
  return FALSE;
}

static void
sn_upstash_backend_iface_init (SnCacheBackendInterface *iface)
{
  iface->connect_async = sn_upstash_backend_connect_async;
  iface->connect_finish = sn_upstash_backend_connect_finish;
  iface->command_sync = sn_upstash_backend_command_sync;
  iface->pipeline_sync = sn_upstash_backend_pipeline_sync;
  iface->disconnect = sn_upstash_backend_disconnect;
  iface->describe = sn_upstash_backend_describe;
  iface->is_redis_server = sn_upstash_backend_is_redis_server;
}

SnCacheBackend *
_sn_upstash_backend_new (SnProfile     *profile,
                         SnSecretStore *secrets,
                         const char    *url)
{
  SnUpstashBackend *self = g_object_new (SN_TYPE_UPSTASH_BACKEND, NULL);
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    len--;
  self->url = g_strndup (url, len);
  self->profile = g_object_ref (profile);
  self->secrets = g_object_ref (secrets);
  g_object_set_data_full (G_OBJECT (self), "sn-profile", g_object_ref (profile), g_object_unref);
  return SN_CACHE_BACKEND (self);
}
