/* sn-maintenance-view.h: the "Maintenance" view: disk, dependencies, and the
 *                        pages other maintenance areas add
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-view.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_VIEW (sn_maintenance_view_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceView, sn_maintenance_view, SN, MAINTENANCE_VIEW, SnAreaView)

GtkWidget    *sn_maintenance_view_new            (void);
SnProfile    *sn_maintenance_view_get_profile    (SnMaintenanceView *self);
void          sn_maintenance_view_set_profile    (SnMaintenanceView *self,
                                                  SnProfile         *profile);
SnConnection *sn_maintenance_view_get_connection (SnMaintenanceView *self);
void          sn_maintenance_view_set_connection (SnMaintenanceView *self,
                                                  SnConnection      *connection);
void          sn_maintenance_view_add_page       (SnMaintenanceView *self,
                                                  GtkWidget         *page,
                                                  const char        *name,
                                                  const char        *title,
                                                  const char        *icon_name);
GtkWidget    *sn_maintenance_view_get_page       (SnMaintenanceView *self,
                                                  const char        *name);
void          sn_maintenance_view_show_page      (SnMaintenanceView *self,
                                                  const char        *name);

G_END_DECLS
