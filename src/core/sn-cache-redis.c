/* sn-cache-redis.c: SnRedisBackend, a Redis server through hiredis
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <hiredis/hiredis.h>

#include "sn-cache-backend.h"
#include "sn-net.h"
#include "sn-ssh-tunnel.h"

/*
 * Two ways to a Redis server: through an SSH tunnel from 127.0.0.1:<free
 * port> to redis-host:redis-port as the server sees it (the profile's
 * "redis-tunnel"), or direct to host:port (a redis:// URL), which must pass
 * the loopback guard. hiredis blocks: every call runs on a worker thread,
 * one at a time (the mutex), with a socket timeout so none hangs for ever.
 */

#define CONNECT_TIMEOUT_S 5
#define COMMAND_TIMEOUT_S 30

#define SN_TYPE_REDIS_BACKEND (sn_redis_backend_get_type ())

G_DECLARE_FINAL_TYPE (SnRedisBackend, sn_redis_backend, SN, REDIS_BACKEND, GObject)

struct _SnRedisBackend
{
  GObject        parent_instance;

  SnProfile     *profile;
  SnSecretStore *secrets;
  SnSshSession  *ssh;
  SnSshTunnel   *tunnel;
  GMutex         lock;
  redisContext  *context;     /* under lock */
  char          *host;        /* where hiredis connects (127.0.0.1 for the tunnel) */
  guint          port;
  char          *password;    /* from the URL, or the profile's redis-password */
  gboolean       through_tunnel;
};

static void sn_redis_backend_iface_init (SnCacheBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnRedisBackend, sn_redis_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SN_TYPE_CACHE_BACKEND, sn_redis_backend_iface_init))

static void
close_context (SnRedisBackend *self)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->context, redisFree);
  g_mutex_unlock (&self->lock);
}

static void
sn_redis_backend_dispose (GObject *object)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (object);

  close_context (self);
  if (self->tunnel != NULL)
    sn_ssh_tunnel_close (self->tunnel);
  g_clear_object (&self->tunnel);
  g_clear_object (&self->ssh);

  G_OBJECT_CLASS (sn_redis_backend_parent_class)->dispose (object);
}

static void
sn_redis_backend_finalize (GObject *object)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_free (self->host);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sn_redis_backend_parent_class)->finalize (object);
}

static void
sn_redis_backend_class_init (SnRedisBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sn_redis_backend_dispose;
  object_class->finalize = sn_redis_backend_finalize;
}

static void
sn_redis_backend_init (SnRedisBackend *self)
{
  g_mutex_init (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Replies                                                                  */

static JsonNode *
string_node (const char *text,
             size_t      len)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (g_utf8_validate_len (text, len, NULL))
    {
      g_autofree char *copy = g_strndup (text, len);

      json_node_set_string (node, copy);
    }
  else
    {
      /* Not UTF-8 (binary data): every byte that is not part of a valid
       * character (and NUL) shows as \xNN, and a backslash as \\, so nothing is
       * hidden behind a replacement character and the text stays unambiguous. */
      GString *escaped = g_string_sized_new (len + 16);
      const char *p = text, *end = text + len;

      while (p < end)
        {
          gunichar c = g_utf8_get_char_validated (p, end - p);

          if (c == (gunichar) -1 || c == (gunichar) -2 || c == 0)
            {
              g_string_append_printf (escaped, "\\x%02x", (guchar) *p);
              p++;
            }
          else if (*p == '\\')
            {
              g_string_append (escaped, "\\\\");
              p++;
            }
          else
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (escaped, p, next - p);
              p = next;
            }
        }
      json_node_set_string (node, escaped->str);
      g_string_free (escaped, TRUE);
    }
  return node;
}

static JsonNode *
reply_to_node (redisReply *reply)
{
  JsonNode *node;

  switch (reply->type)
    {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return string_node (reply->str, reply->len);

    case REDIS_REPLY_INTEGER:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, reply->integer);
      return node;

    case REDIS_REPLY_ARRAY:
      {
        JsonArray *array = json_array_sized_new (reply->elements);

        for (size_t i = 0; i < reply->elements; i++)
          json_array_add_element (array, reply_to_node (reply->element[i]));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }

    case REDIS_REPLY_ERROR:
      {
        JsonObject *object = json_object_new ();
        g_autofree char *message = g_utf8_make_valid (reply->str, reply->len);

        json_object_set_string_member (object, "error", message);
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }

    case REDIS_REPLY_NIL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

static GError *
lost_error (SnRedisBackend *self,
            const char     *what)
{
  return g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_LOST,
                      _("The connection to Redis at %s:%u was lost (%s). What was already loaded is "
                        "kept; check that Redis runs, then reconnect."),
                      self->through_tunnel ? sn_profile_get_redis_host (self->profile) : self->host,
                      self->through_tunnel ? sn_profile_get_redis_port (self->profile) : self->port,
                      what != NULL && *what != '\0' ? what : _("no answer"));
}

/* A top-level error reply becomes a GError; the context stays usable. */
static JsonNode *
take_reply (redisReply  *reply,
            const char  *command,
            GError     **error)
{
  JsonNode *node;

  if (reply->type == REDIS_REPLY_ERROR)
    {
      g_autofree char *message = g_utf8_make_valid (reply->str, reply->len);

      g_propagate_error (error, sn_cache_error_from_reply (message, command));
      freeReplyObject (reply);
      return NULL;
    }

  node = reply_to_node (reply);
  freeReplyObject (reply);
  return node;
}

static JsonNode *
sn_redis_backend_command_sync (SnCacheBackend      *backend,
                               const char * const  *argv,
                               GCancellable        *cancellable,
                               GError             **error)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (backend);
  g_autofree size_t *lens = NULL;
  redisReply *reply;
  guint argc = g_strv_length ((char **) argv);

  lens = g_new (size_t, argc);
  for (guint i = 0; i < argc; i++)
    lens[i] = strlen (argv[i]);

  g_mutex_lock (&self->lock);
  if (self->context == NULL)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_NOT_CONNECTED,
                           _("Not connected to Redis: connect first."));
      return NULL;
    }

  reply = redisCommandArgv (self->context, argc, (const char **) argv, lens);
  if (reply == NULL)
    {
      g_propagate_error (error, lost_error (self, self->context->errstr));
      g_clear_pointer (&self->context, redisFree);
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  g_mutex_unlock (&self->lock);

  return take_reply (reply, argv[0], error);
}

static GPtrArray *
sn_redis_backend_pipeline_sync (SnCacheBackend  *backend,
                                GPtrArray       *commands,
                                GCancellable    *cancellable,
                                GError         **error)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (backend);
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  g_mutex_lock (&self->lock);
  if (self->context == NULL)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, SN_CACHE_ERROR, SN_CACHE_ERROR_NOT_CONNECTED,
                           _("Not connected to Redis: connect first."));
      return NULL;
    }

  for (guint i = 0; i < commands->len; i++)
    {
      const char * const *argv = commands->pdata[i];
      guint argc = g_strv_length ((char **) argv);
      g_autofree size_t *lens = g_new (size_t, argc);

      for (guint j = 0; j < argc; j++)
        lens[j] = strlen (argv[j]);
      redisAppendCommandArgv (self->context, argc, (const char **) argv, lens);
    }

  for (guint i = 0; i < commands->len; i++)
    {
      redisReply *reply = NULL;

      if (redisGetReply (self->context, (void **) &reply) != REDIS_OK || reply == NULL)
        {
          g_propagate_error (error, lost_error (self, self->context->errstr));
          g_clear_pointer (&self->context, redisFree);
          g_mutex_unlock (&self->lock);
          return NULL;
        }
      g_ptr_array_add (replies, reply_to_node (reply));
      freeReplyObject (reply);
    }
  g_mutex_unlock (&self->lock);

  return g_steal_pointer (&replies);
}

/* ------------------------------------------------------------------------ */
/* Connecting                                                               */

static void
connect_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SnRedisBackend *self = source;
  struct timeval connect_timeout = { CONNECT_TIMEOUT_S, 0 };
  struct timeval command_timeout = { COMMAND_TIMEOUT_S, 0 };
  redisContext *context;
  redisReply *reply;
  GError *error = NULL;
  g_autoptr(JsonNode) pong = NULL;

  context = redisConnectWithTimeout (self->host, (int) self->port, connect_timeout);
  if (context == NULL || context->err)
    {
      g_task_return_new_error (task, SN_CACHE_ERROR, SN_CACHE_ERROR_CONNECT,
                               _("Cannot reach Redis at %s:%u (%s). Check that it runs and that the "
                                 "profile’s host and port are right."),
                               self->through_tunnel ? sn_profile_get_redis_host (self->profile) : self->host,
                               self->through_tunnel ? sn_profile_get_redis_port (self->profile) : self->port,
                               context != NULL ? context->errstr : _("out of memory"));
      if (context != NULL)
        redisFree (context);
      return;
    }
  redisSetTimeout (context, command_timeout);
  redisEnableKeepAlive (context);

  if (self->password != NULL && *self->password != '\0')
    {
      reply = redisCommand (context, "AUTH %s", self->password);
      if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
        {
          g_task_return_new_error (task, SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH,
                                   _("Redis refused the password of profile “%s” (%s). Check its "
                                     "redis-password."),
                                   sn_profile_get_name (self->profile),
                                   reply != NULL ? reply->str : context->errstr);
          if (reply != NULL)
            freeReplyObject (reply);
          redisFree (context);
          return;
        }
      freeReplyObject (reply);
    }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->context, redisFree);
  self->context = context;
  g_mutex_unlock (&self->lock);

  pong = sn_redis_backend_command_sync (SN_CACHE_BACKEND (self), (const char *[]) { "PING", NULL },
                                        cancellable, &error);
  if (pong == NULL)
    {
      close_context (self);
      if (g_error_matches (error, SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH))
        {
          g_clear_error (&error);
          error = g_error_new (SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH,
                               _("Redis asks for a password and profile “%s” has none: add its "
                                 "redis-password."), sn_profile_get_name (self->profile));
        }
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
tunnel_open_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnRedisBackend *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!sn_ssh_tunnel_open_finish (SN_SSH_TUNNEL (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (self->host);
  self->host = g_strdup ("127.0.0.1");
  self->port = sn_ssh_tunnel_get_local_port (self->tunnel);
  g_task_run_in_thread (task, connect_thread);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnRedisBackend *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  GError *error = NULL;
  char *password;

  password = sn_secret_store_lookup_finish (SN_SECRET_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (self->password);
  self->password = password;

  if (!self->through_tunnel)
    {
      g_task_run_in_thread (task, connect_thread);
      return;
    }

  if (self->ssh == NULL)
    self->ssh = sn_ssh_session_new (self->profile, self->secrets);
  if (self->tunnel != NULL)
    sn_ssh_tunnel_close (self->tunnel);
  g_clear_object (&self->tunnel);
  self->tunnel = sn_ssh_tunnel_new (self->ssh, sn_profile_get_redis_host (self->profile),
                                    sn_profile_get_redis_port (self->profile));
  cancellable = g_task_get_cancellable (task);
  sn_ssh_tunnel_open_async (self->tunnel, cancellable, tunnel_open_cb, g_steal_pointer (&task));
}

static void
sn_redis_backend_connect_async (SnCacheBackend      *backend,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_redis_backend_connect_async);

  /* The guard first: a direct connection goes nowhere it may not. (The
   * tunnel checks both its ends itself.) */
  if (!self->through_tunnel && !sn_net_check_host (self->host, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  close_context (self);
  if (self->password != NULL)
    {
      g_task_run_in_thread (task, connect_thread);
      return;
    }

  sn_secret_store_lookup_async (self->secrets, self->profile, SN_SECRET_KIND_REDIS_PASSWORD,
                                cancellable, password_cb, g_steal_pointer (&task));
}

static gboolean
sn_redis_backend_connect_finish (SnCacheBackend  *backend,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sn_redis_backend_disconnect (SnCacheBackend *backend)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (backend);

  close_context (self);
  if (self->tunnel != NULL)
    sn_ssh_tunnel_close (self->tunnel);
  g_clear_object (&self->tunnel);
}

static char *
sn_redis_backend_describe (SnCacheBackend *backend)
{
  SnRedisBackend *self = SN_REDIS_BACKEND (backend);

  if (self->through_tunnel)
    return g_strdup_printf (_("Redis %s:%u through SSH to %s"),
                            sn_profile_get_redis_host (self->profile), sn_profile_get_redis_port (self->profile),
                            sn_profile_get_ssh_host (self->profile));
  return g_strdup_printf (_("Redis %s:%u (direct)"), self->host, self->port);
}

static gboolean
sn_redis_backend_is_redis_server (SnCacheBackend *backend)
{
  return TRUE;
}

static void
sn_redis_backend_iface_init (SnCacheBackendInterface *iface)
{
  iface->connect_async = sn_redis_backend_connect_async;
  iface->connect_finish = sn_redis_backend_connect_finish;
  iface->command_sync = sn_redis_backend_command_sync;
  iface->pipeline_sync = sn_redis_backend_pipeline_sync;
  iface->disconnect = sn_redis_backend_disconnect;
  iface->describe = sn_redis_backend_describe;
  iface->is_redis_server = sn_redis_backend_is_redis_server;
}

static SnRedisBackend *
new_backend (SnProfile     *profile,
             SnSecretStore *secrets)
{
  SnRedisBackend *self = g_object_new (SN_TYPE_REDIS_BACKEND, NULL);

  self->profile = g_object_ref (profile);
  self->secrets = g_object_ref (secrets);
  g_object_set_data_full (G_OBJECT (self), "sn-profile", g_object_ref (profile), g_object_unref);
  return self;
}

SnCacheBackend *
_sn_redis_backend_new_tunnel (SnProfile     *profile,
                              SnSecretStore *secrets)
{
  SnRedisBackend *self = new_backend (profile, secrets);

  self->through_tunnel = TRUE;
  return SN_CACHE_BACKEND (self);
}

SnCacheBackend *
_sn_redis_backend_new_direct (SnProfile     *profile,
                              SnSecretStore *secrets,
                              const char    *host,
                              guint          port,
                              const char    *password)
{
  SnRedisBackend *self = new_backend (profile, secrets);

  self->host = g_strdup (host);
  self->port = port;
  self->password = g_strdup (password);
  return SN_CACHE_BACKEND (self);
}
