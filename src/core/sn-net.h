/* sn-net.h: the loopback guard every connection goes through
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SN_NET_ERROR (sn_net_error_quark ())

typedef enum
{
  SN_NET_ERROR_NOT_LOOPBACK,
  SN_NET_ERROR_INVALID_ADDRESS,
  SN_NET_ERROR_INSECURE,        /* a secret would go in clear to a remote host */
} SnNetError;

GQuark   sn_net_error_quark       (void);
gboolean sn_net_host_is_loopback  (const char  *host);
gboolean sn_net_loopback_only     (void);
gboolean sn_net_check_host        (const char  *host,
                                   GError     **error);
gboolean sn_net_check_uri         (const char  *uri,
                                   GError     **error);

G_END_DECLS
