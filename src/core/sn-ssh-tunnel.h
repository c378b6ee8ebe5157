/* sn-ssh-tunnel.h: a local TCP port forwarded through an SnSshSession (direct-tcpip)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-ssh-session.h"

G_BEGIN_DECLS

#define SN_TYPE_SSH_TUNNEL (sn_ssh_tunnel_get_type ())

G_DECLARE_FINAL_TYPE (SnSshTunnel, sn_ssh_tunnel, SN, SSH_TUNNEL, GObject)

SnSshTunnel  *sn_ssh_tunnel_new             (SnSshSession         *session,
                                             const char           *remote_host,
                                             guint                 remote_port);
SnSshSession *sn_ssh_tunnel_get_session     (SnSshTunnel          *self);
const char   *sn_ssh_tunnel_get_remote_host (SnSshTunnel          *self);
guint         sn_ssh_tunnel_get_remote_port (SnSshTunnel          *self);
guint         sn_ssh_tunnel_get_local_port  (SnSshTunnel          *self);
gboolean      sn_ssh_tunnel_is_open         (SnSshTunnel          *self);
void          sn_ssh_tunnel_open_async      (SnSshTunnel          *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean      sn_ssh_tunnel_open_finish     (SnSshTunnel          *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void          sn_ssh_tunnel_close           (SnSshTunnel          *self);

G_END_DECLS
