/* sn-connection.h: the one SSH session of a window and its profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-audit-log.h"
#include "sn-host.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

/**
 * SnConnectionState:
 * @SN_CONNECTION_STATE_IDLE: not connected yet, or closed; the next use connects
 * @SN_CONNECTION_STATE_CONNECTING: a connection attempt is under way
 * @SN_CONNECTION_STATE_CONNECTED: the session is up
 * @SN_CONNECTION_STATE_FAILED: the last attempt failed or the connection dropped;
 *   see #SnConnection:error
 */
typedef enum
{
  SN_CONNECTION_STATE_IDLE,
  SN_CONNECTION_STATE_CONNECTING,
  SN_CONNECTION_STATE_CONNECTED,
  SN_CONNECTION_STATE_FAILED,
} SnConnectionState;

#define SN_TYPE_CONNECTION_STATE (sn_connection_state_get_type ())
GType sn_connection_state_get_type (void);

#define SN_TYPE_CONNECTION (sn_connection_get_type ())

G_DECLARE_FINAL_TYPE (SnConnection, sn_connection, SN, CONNECTION, GObject)

SnConnection      *sn_connection_new                (SnProfile            *profile);
SnProfile         *sn_connection_get_profile        (SnConnection         *self);
SnSshSession      *sn_connection_get_session        (SnConnection         *self);
SnHost            *sn_connection_get_host           (SnConnection         *self);
SnHost            *sn_connection_get_monitoring_host (SnConnection        *self);
SnConnectionState  sn_connection_get_state          (SnConnection         *self);
const GError      *sn_connection_get_error          (SnConnection         *self);
const char        *sn_connection_get_error_message  (SnConnection         *self);
char              *sn_connection_dup_display_name   (SnConnection         *self);
void               sn_connection_connect_async      (SnConnection         *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean           sn_connection_connect_finish     (SnConnection         *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void               sn_connection_retry              (SnConnection         *self);
gboolean           sn_connection_trust_host_key     (SnConnection         *self,
                                                     const char           *fingerprint,
                                                     GError              **error);
void               sn_connection_report_error       (SnConnection         *self,
                                                     const GError         *error);
void               sn_connection_close              (SnConnection         *self);
gboolean           sn_connection_connect_sync       (SnConnection         *self,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
char              *sn_connection_dup_unknown_host_fingerprint (SnConnection *self);

G_END_DECLS
