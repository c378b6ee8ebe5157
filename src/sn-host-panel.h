/* sn-host-panel.h: the containers and disks of the profile's server
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-connection.h"
#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_HOST_PANEL (sn_host_panel_get_type ())

G_DECLARE_FINAL_TYPE (SnHostPanel, sn_host_panel, SN, HOST_PANEL, GtkWidget)

GtkWidget    *sn_host_panel_new            (void);
SnConnection *sn_host_panel_get_connection (SnHostPanel  *self);
void          sn_host_panel_set_connection (SnHostPanel  *self,
                                            SnConnection *connection);
gboolean      sn_host_panel_get_busy       (SnHostPanel  *self);
GListModel   *sn_host_panel_get_containers (SnHostPanel  *self);
GListModel   *sn_host_panel_get_disks      (SnHostPanel  *self);
void          sn_host_panel_refresh        (SnHostPanel  *self);
void          sn_host_panel_poll           (SnHostPanel  *self);

G_END_DECLS
