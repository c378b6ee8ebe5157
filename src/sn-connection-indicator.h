/* sn-connection-indicator.h: the header bar's SSH connection state
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-connection.h"
#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_CONNECTION_INDICATOR (sn_connection_indicator_get_type ())

G_DECLARE_FINAL_TYPE (SnConnectionIndicator, sn_connection_indicator, SN, CONNECTION_INDICATOR, GtkWidget)

GtkWidget    *sn_connection_indicator_new             (void);
SnConnection *sn_connection_indicator_get_connection  (SnConnectionIndicator *self);
void          sn_connection_indicator_set_connection  (SnConnectionIndicator *self,
                                                       SnConnection          *connection);
const char   *sn_connection_indicator_get_status_text (SnConnectionIndicator *self);

G_END_DECLS
