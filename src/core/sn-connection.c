/* sn-connection.c: one profile's SSH connection, its state and its host-key policy,
 * shared by the app and narcisse-ctl
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-connection"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-await.h"
#include "sn-connection.h"
#include "sn-net.h"
#include "sn-secret-store.h"

/* How often a live connection is checked, so a drop shows at once. */
#define WATCH_INTERVAL_SECONDS 2

struct _SnConnection
{
  GObject            parent_instance;

  SnProfile         *profile;
  SnSshSession      *session;
  SnHost            *host;
  SnHost            *monitoring_host;
  GCancellable      *cancellable;
  GError            *error;
  GPtrArray         *waiters;      /* GTask, waiting for the attempt under way */

  guint              watch_id;
  SnConnectionState  state;
  guint              blocked : 1;  /* a failure that must not be retried by itself */
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_SESSION,
  PROP_HOST,
  PROP_STATE,
  PROP_ERROR,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnConnection, sn_connection, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

GType
sn_connection_state_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { SN_CONNECTION_STATE_IDLE, "SN_CONNECTION_STATE_IDLE", "idle" },
        { SN_CONNECTION_STATE_CONNECTING, "SN_CONNECTION_STATE_CONNECTING", "connecting" },
        { SN_CONNECTION_STATE_CONNECTED, "SN_CONNECTION_STATE_CONNECTED", "connected" },
        { SN_CONNECTION_STATE_FAILED, "SN_CONNECTION_STATE_FAILED", "failed" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("SnConnectionState"), values);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* Failures that trying again cannot fix by itself, and that must not be
 * hammered on (fail2ban counts refused logins): wait for the person. */
static gboolean
error_is_permanent (const GError *error)
{
  return g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN) ||
         sn_ssh_error_is_host_key_stop (error) ||
         g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH) ||
         g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE) ||
         g_error_matches (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
}

static gboolean watch_cb (gpointer user_data);

static void
sn_connection_set_state (SnConnection      *self,
                         SnConnectionState  state,
                         const GError      *error)
{
  gboolean error_changed = FALSE;

  g_assert (SN_IS_CONNECTION (self));

  if (error != NULL || self->error != NULL)
    {
      if (error == NULL || self->error == NULL ||
          !g_error_matches (error, self->error->domain, self->error->code) ||
          g_strcmp0 (error->message, self->error->message) != 0)
        error_changed = TRUE;
      g_clear_error (&self->error);
      if (error != NULL)
        self->error = g_error_copy (error);
    }

  if (state == SN_CONNECTION_STATE_CONNECTED && self->watch_id == 0)
    self->watch_id = g_timeout_add_seconds (WATCH_INTERVAL_SECONDS, watch_cb, self);
  else if (state != SN_CONNECTION_STATE_CONNECTED)
    g_clear_handle_id (&self->watch_id, g_source_remove);

  g_object_freeze_notify (G_OBJECT (self));
  if (error_changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  if (self->state != state || error_changed)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
watch_cb (gpointer user_data)
{
  SnConnection *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  if (sn_ssh_session_is_connected (self->session))
    return G_SOURCE_CONTINUE;

  self->watch_id = 0;
  where = sn_connection_dup_display_name (self);
  /* Translators: %s is user@host:port */
  error = g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_DISCONNECTED,
                       _("The connection to %s dropped. It reconnects the next time it is used."),
                       where);
  sn_connection_set_state (self, SN_CONNECTION_STATE_FAILED, error);

  return G_SOURCE_REMOVE;
}

static void
sn_connection_finish_waiters (SnConnection *self,
                              const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnConnection) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_ssh_session_connect_finish (SN_SSH_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        sn_connection_set_state (self, SN_CONNECTION_STATE_IDLE, NULL);
      else
        {
          self->blocked = error_is_permanent (error);
          sn_connection_set_state (self, SN_CONNECTION_STATE_FAILED, error);
        }
      sn_connection_finish_waiters (self, error);
      return;
    }

  self->blocked = FALSE;
  sn_connection_set_state (self, SN_CONNECTION_STATE_CONNECTED, NULL);
  sn_connection_finish_waiters (self, NULL);
}

/**
 * sn_connection_connect_async:
 * @self: a #SnConnection
 * @cancellable: (nullable): cancels the wait, not the attempt others share
 *
 * Makes sure the session is up: returns at once when it is, joins the
 * attempt under way, or starts one. After a failure that needs the person
 * (host key, login refused, passphrase), it fails at once with the same
 * error until sn_connection_retry() or sn_connection_trust_host_key().
 */
void
sn_connection_connect_async (SnConnection        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_connection_connect_async);
  g_task_set_check_cancellable (task, TRUE);

  if (self->state == SN_CONNECTION_STATE_CONNECTED)
    {
      if (sn_ssh_session_is_connected (self->session))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      watch_cb (self);
    }

  if (self->state == SN_CONNECTION_STATE_FAILED && self->blocked && self->error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));

  if (self->state != SN_CONNECTION_STATE_CONNECTING)
    {
      if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
        {
          g_clear_object (&self->cancellable);
          self->cancellable = g_cancellable_new ();
        }
      sn_connection_set_state (self, SN_CONNECTION_STATE_CONNECTING, self->error);
      sn_ssh_session_connect_async (self->session, self->cancellable, connect_cb, g_object_ref (self));
    }
}

gboolean
sn_connection_connect_finish (SnConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sn_connection_retry:
 * @self: a #SnConnection
 *
 * Forgets the last failure and connects again (the "Retry" buttons).
 */
void
sn_connection_retry (SnConnection *self)
{
  g_return_if_fail (SN_IS_CONNECTION (self));

  self->blocked = FALSE;
  if (self->state == SN_CONNECTION_STATE_CONNECTING)
    return;
  if (self->state == SN_CONNECTION_STATE_FAILED)
    sn_connection_set_state (self, SN_CONNECTION_STATE_IDLE, NULL);

  sn_connection_connect_async (self, NULL, NULL, NULL);
}

/**
 * sn_connection_trust_host_key:
 * @self: a #SnConnection
 * @fingerprint: (nullable): the fingerprint the person was shown and compared
 * @error: where to put the reason it could not be saved
 *
 * Saves the host key of the last attempt in the app's known_hosts, once the
 * person compared its fingerprint, and connects again. Refused when the key
 * is not the one shown, and after a changed key or a host known with another
 * key type: those are never overridden here.
 */
gboolean
sn_connection_trust_host_key (SnConnection  *self,
                              const char    *fingerprint,
                              GError       **error)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), FALSE);

  if (sn_ssh_error_is_host_key_stop (self->error))
    {
      g_set_error_literal (error, SN_SSH_ERROR, self->error->code, self->error->message);
      return FALSE;
    }

  if (!sn_ssh_session_trust_host_key (self->session, fingerprint, error))
    return FALSE;

  sn_connection_retry (self);
  return TRUE;
}

/**
 * sn_connection_connect_sync:
 *
 * sn_connection_connect_async() for the command line: waits in the
 * thread-default main context.
 */
gboolean
sn_connection_connect_sync (SnConnection  *self,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  g_return_val_if_fail (SN_IS_CONNECTION (self), FALSE);

  sn_connection_connect_async (self, cancellable, sn_await_callback, &await);
  return sn_connection_connect_finish (self, sn_await_result (&await), error);
}

/**
 * sn_connection_dup_unknown_host_fingerprint:
 * @self: a #SnConnection
 *
 * The host-key policy: a key may be offered to the person for trust only
 * after a first contact (%SN_SSH_ERROR_HOST_KEY_UNKNOWN) in which the
 * server presented one. A changed key, a host known with another key type,
 * or any other failure is never offered: show the error instead.
 *
 * Returns: (transfer full) (nullable): the "SHA256:…" fingerprint to show
 *   and then pass to sn_connection_trust_host_key(), or %NULL
 */
char *
sn_connection_dup_unknown_host_fingerprint (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);

  if (!g_error_matches (self->error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN))
    return NULL;

  return sn_ssh_session_dup_host_key_fingerprint (self->session);
}

/**
 * sn_connection_report_error:
 * @self: a #SnConnection
 * @error: what a command run through the session failed with
 *
 * Views call this when a command fails, so the indicator learns of a
 * dropped connection. Failures of the command itself change nothing.
 */
void
sn_connection_report_error (SnConnection *self,
                            const GError *error)
{
  g_return_if_fail (SN_IS_CONNECTION (self));

  if (error == NULL || error->domain != SN_SSH_ERROR)
    return;

  switch (error->code)
    {
    case SN_SSH_ERROR_CONNECT:
    case SN_SSH_ERROR_DISCONNECTED:
    case SN_SSH_ERROR_HOST_KEY_UNKNOWN:
    case SN_SSH_ERROR_HOST_KEY_CHANGED:
    case SN_SSH_ERROR_HOST_KEY_OTHER_TYPE:
    case SN_SSH_ERROR_AUTH:
    case SN_SSH_ERROR_PASSPHRASE:
      if (self->state == SN_CONNECTION_STATE_CONNECTING)
        return;
      if (sn_ssh_session_is_connected (self->session))
        return;
      self->blocked = error_is_permanent (error);
      sn_connection_set_state (self, SN_CONNECTION_STATE_FAILED, error);
      break;

    default:
      break;
    }
}

/**
 * sn_connection_close:
 * @self: a #SnConnection
 *
 * Stops any attempt and closes the session. Call it from the main thread
 * before dropping the last reference. The next use connects again.
 */
void
sn_connection_close (SnConnection *self)
{
  g_return_if_fail (SN_IS_CONNECTION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  sn_ssh_session_disconnect (self->session);
  self->blocked = FALSE;
  sn_connection_set_state (self, SN_CONNECTION_STATE_IDLE, NULL);
}

static void
sn_connection_constructed (GObject *object)
{
  SnConnection *self = (SnConnection *)object;

  G_OBJECT_CLASS (sn_connection_parent_class)->constructed (object);

  g_assert (SN_IS_PROFILE (self->profile));

  self->session = sn_ssh_session_new (self->profile, sn_secret_store_get_default ());
  self->host = sn_host_new (self->session, sn_audit_log_get_default ());
  self->monitoring_host = sn_host_new_monitoring (self->session, sn_audit_log_get_default ());
}

static void
sn_connection_dispose (GObject *object)
{
  SnConnection *self = (SnConnection *)object;

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    sn_ssh_session_disconnect (self->session);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->host);
  g_clear_object (&self->monitoring_host);
  g_clear_object (&self->session);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sn_connection_parent_class)->dispose (object);
}

static void
sn_connection_finalize (GObject *object)
{
  SnConnection *self = (SnConnection *)object;

  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sn_connection_parent_class)->finalize (object);
}

static void
sn_connection_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnConnection *self = SN_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, sn_connection_get_error_message (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_connection_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SnConnection *self = SN_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_connection_class_init (SnConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sn_connection_constructed;
  object_class->dispose = sn_connection_dispose;
  object_class->finalize = sn_connection_finalize;
  object_class->get_property = sn_connection_get_property;
  object_class->set_property = sn_connection_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SN_TYPE_SSH_SESSION,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, NULL,
                         SN_TYPE_HOST,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SN_TYPE_CONNECTION_STATE,
                       SN_CONNECTION_STATE_IDLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_connection_init (SnConnection *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * sn_connection_new:
 * @profile: the profile whose host to reach
 *
 * Nothing is contacted until the first sn_connection_connect_async().
 */
SnConnection *
sn_connection_new (SnProfile *profile)
{
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  return g_object_new (SN_TYPE_CONNECTION, "profile", profile, NULL);
}

SnProfile *
sn_connection_get_profile (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->profile;
}

SnSshSession *
sn_connection_get_session (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->session;
}

SnHost *
sn_connection_get_host (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->host;
}

/**
 * sn_connection_get_monitoring_host:
 *
 * Returns: (transfer none): the host for what timers read on their own
 *   (see sn_host_new_monitoring()), over the same session
 */
SnHost *
sn_connection_get_monitoring_host (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->monitoring_host;
}

SnConnectionState
sn_connection_get_state (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), SN_CONNECTION_STATE_IDLE);
  return self->state;
}

const GError *
sn_connection_get_error (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->error;
}

const char *
sn_connection_get_error_message (SnConnection *self)
{
  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);
  return self->error != NULL ? self->error->message : NULL;
}

/**
 * sn_connection_dup_display_name:
 *
 * Returns: (transfer full): "user@host:port"
 */
char *
sn_connection_dup_display_name (SnConnection *self)
{
  const char *user;
  guint port;

  g_return_val_if_fail (SN_IS_CONNECTION (self), NULL);

  user = sn_profile_get_ssh_user (self->profile);
  port = sn_profile_get_ssh_port (self->profile);

  return g_strdup_printf ("%s@%s:%u",
                          user != NULL && *user != '\0' ? user : "root",
                          sn_profile_get_ssh_host (self->profile) != NULL
                            ? sn_profile_get_ssh_host (self->profile) : "",
                          port != 0 ? port : 22);
}
