/* sn-ssh-session-private.h: what SnSshTunnel needs from SnSshSession
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-ssh-session.h"

G_BEGIN_DECLS

void     _sn_ssh_session_listen_async  (SnSshSession         *self,
                                        int                   listen_fd,
                                        guint                 id,
                                        const char           *host,
                                        guint                 port,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean _sn_ssh_session_listen_finish (SnSshSession         *self,
                                        GAsyncResult         *result,
                                        GError              **error);
void     _sn_ssh_session_unlisten      (SnSshSession         *self,
                                        guint                 id);

G_END_DECLS
