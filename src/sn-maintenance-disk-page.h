/* sn-maintenance-disk-page.h: the Maintenance view's disk page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-page.h"
#include "sn-maintenance-disk.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_DISK_PAGE (sn_maintenance_disk_page_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceDiskPage, sn_maintenance_disk_page, SN, MAINTENANCE_DISK_PAGE, SnAreaPage)

GtkWidget    *sn_maintenance_disk_page_new        (void);
gboolean      sn_maintenance_disk_page_get_busy   (SnMaintenanceDiskPage *self);
/* What the last refresh measured (nullable). */
SnDiskSurvey *sn_maintenance_disk_page_get_survey (SnMaintenanceDiskPage *self);
/* Selects @volume in the volumes list. */
gboolean      sn_maintenance_disk_page_select_volume (SnMaintenanceDiskPage *self,
                                                      const char            *volume);
/* The wizard the last button opened, while it is open (nullable). */
GtkWindow    *sn_maintenance_disk_page_get_wizard (SnMaintenanceDiskPage *self);

G_END_DECLS
