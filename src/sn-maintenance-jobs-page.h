/* sn-maintenance-jobs-page.h: the Maintenance view's scheduled jobs page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-page.h"
#include "sn-maintenance-jobs.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_JOBS_PAGE (sn_maintenance_jobs_page_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceJobsPage, sn_maintenance_jobs_page, SN, MAINTENANCE_JOBS_PAGE, SnAreaPage)

GtkWidget         *sn_maintenance_jobs_page_new       (void);
gboolean           sn_maintenance_jobs_page_get_busy  (SnMaintenanceJobsPage *self);
/* What the last read found (nullable): a GListModel of SnScheduledJob. */
GListModel        *sn_maintenance_jobs_page_get_jobs  (SnMaintenanceJobsPage *self);

G_END_DECLS
