/* sn-ssh-tunnel.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-tunnel"

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sn-net.h"
#include "sn-ssh-session-private.h"
#include "sn-ssh-tunnel.h"

/*
 * The tunnel owns nothing but a number: the listening socket and every
 * connection accepted on it live on the session's worker thread, which
 * polls them next to the SSH socket and forwards each connection through
 * its own direct-tcpip channel (non-blocking, no busy loop). So a caller may
 * block in libpq on the tunnel's port from any thread, the main one included.
 */

struct _SnSshTunnel
{
  GObject       parent_instance;

  SnSshSession *session;
  char         *remote_host;

  guint         remote_port;
  guint         local_port;
  guint         id;
  guint         open : 1;
};

G_DEFINE_FINAL_TYPE (SnSshTunnel, sn_ssh_tunnel, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCAL_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static guint last_id;

static void
sn_ssh_tunnel_dispose (GObject *object)
{
  SnSshTunnel *self = (SnSshTunnel *)object;

  sn_ssh_tunnel_close (self);

  G_OBJECT_CLASS (sn_ssh_tunnel_parent_class)->dispose (object);
}

static void
sn_ssh_tunnel_finalize (GObject *object)
{
  SnSshTunnel *self = (SnSshTunnel *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->remote_host, g_free);

  G_OBJECT_CLASS (sn_ssh_tunnel_parent_class)->finalize (object);
}

static void
sn_ssh_tunnel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnSshTunnel *self = SN_SSH_TUNNEL (object);

  switch (prop_id)
    {
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, self->local_port);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_ssh_tunnel_class_init (SnSshTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sn_ssh_tunnel_dispose;
  object_class->finalize = sn_ssh_tunnel_finalize;
  object_class->get_property = sn_ssh_tunnel_get_property;

  /**
   * SnSshTunnel:local-port:
   *
   * The port on 127.0.0.1 that leads to the remote end; 0 while closed.
   */
  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_ssh_tunnel_init (SnSshTunnel *self)
{
}

/**
 * sn_ssh_tunnel_new:
 * @session: the SSH connection to forward through
 * @remote_host: the host as the server sees it ("127.0.0.1" for its own loopback)
 * @remote_port: the port there (5432 for the database)
 */
SnSshTunnel *
sn_ssh_tunnel_new (SnSshSession *session,
                   const char   *remote_host,
                   guint         remote_port)
{
  SnSshTunnel *self;

  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);
  g_return_val_if_fail (remote_host != NULL && *remote_host != '\0', NULL);
  g_return_val_if_fail (remote_port > 0 && remote_port <= G_MAXUINT16, NULL);

  self = g_object_new (SN_TYPE_SSH_TUNNEL, NULL);
  self->session = g_object_ref (session);
  self->remote_host = g_strdup (remote_host);
  self->remote_port = remote_port;

  return self;
}

SnSshSession *
sn_ssh_tunnel_get_session (SnSshTunnel *self)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), NULL);
  return self->session;
}

const char *
sn_ssh_tunnel_get_remote_host (SnSshTunnel *self)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), NULL);
  return self->remote_host;
}

guint
sn_ssh_tunnel_get_remote_port (SnSshTunnel *self)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), 0);
  return self->remote_port;
}

/**
 * sn_ssh_tunnel_get_local_port:
 *
 * Returns: the port on 127.0.0.1 to connect to, 0 until the tunnel is open
 */
guint
sn_ssh_tunnel_get_local_port (SnSshTunnel *self)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), 0);
  return self->local_port;
}

gboolean
sn_ssh_tunnel_is_open (SnSshTunnel *self)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), FALSE);
  return self->open;
}

static int
listen_loopback (guint   *port,
                 GError **error)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd;
  int errsv;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    goto failed;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      listen (fd, 64) != 0 ||
      getsockname (fd, (struct sockaddr *)&addr, &len) != 0)
    goto failed;

  *port = ntohs (addr.sin_port);
  return fd;

failed:
  errsv = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Could not open a local port for the tunnel: %s"), g_strerror (errsv));
  return -1;
}

typedef struct
{
  guint id;
  guint port;
} OpenData;

static void
on_listen_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshTunnel *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_sn_ssh_session_listen_finish (SN_SSH_SESSION (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* closed or reopened meanwhile */
  if (self->id != data->id)
    {
      _sn_ssh_session_unlisten (self->session, data->id);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The tunnel was closed while it opened."));
      return;
    }

  self->local_port = data->port;
  self->open = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);
  g_debug ("Tunnel 127.0.0.1:%u -> %s:%u open", self->local_port, self->remote_host,
           self->remote_port);
  g_task_return_boolean (task, TRUE);
}

/**
 * sn_ssh_tunnel_open_async:
 *
 * Connects the session if needed, checks that the server forwards to the
 * remote end (one probe connection), then listens on 127.0.0.1 on a free
 * port (sn_ssh_tunnel_get_local_port()). Fails with
 * %SN_SSH_ERROR_FORWARDING_DISABLED when the server has
 * `AllowTcpForwarding no`: use commands on the host instead.
 */
void
sn_ssh_tunnel_open_async (SnSshTunnel         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  OpenData *data;
  int fd;

  g_return_if_fail (SN_IS_SSH_TUNNEL (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_tunnel_open_async);

  if (self->open)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* The far end is reached from the server: the loopback guard covers it too. */
  if (!sn_net_check_host (self->remote_host, &error))
    {
      /* Translators: %s:%u is the tunnel's far end, as the server sees it */
      g_prefix_error (&error, _("The SSH tunnel to %s:%u was not opened. "),
                      self->remote_host, self->remote_port);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (OpenData, 1);
  g_task_set_task_data (task, data, g_free);

  fd = listen_loopback (&data->port, &error);
  if (fd < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->id = self->id = g_atomic_int_add (&last_id, 1) + 1;
  _sn_ssh_session_listen_async (self->session, fd, data->id, self->remote_host, self->remote_port,
                                cancellable, on_listen_ready, g_steal_pointer (&task));
}

gboolean
sn_ssh_tunnel_open_finish (SnSshTunnel   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SN_IS_SSH_TUNNEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sn_ssh_tunnel_close:
 *
 * Stops listening and closes every connection made through the tunnel
 * (their clients see the connection end). The tunnel can be opened again;
 * it gets a new local port.
 */
void
sn_ssh_tunnel_close (SnSshTunnel *self)
{
  g_return_if_fail (SN_IS_SSH_TUNNEL (self));

  if (self->id != 0 && self->session != NULL)
    _sn_ssh_session_unlisten (self->session, self->id);
  self->id = 0;

  if (self->open)
    {
      self->open = FALSE;
      self->local_port = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PORT]);
    }
}
