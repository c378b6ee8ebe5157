/* sn-maintenance-deps-page.h: the Maintenance view's dependencies page (npm audit)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-area-page.h"
#include "sn-maintenance-audit.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_DEPS_PAGE (sn_maintenance_deps_page_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceDepsPage, sn_maintenance_deps_page, SN, MAINTENANCE_DEPS_PAGE, SnAreaPage)

GtkWidget         *sn_maintenance_deps_page_new       (void);
gboolean           sn_maintenance_deps_page_get_busy  (SnMaintenanceDepsPage *self);
/* What the last audit found (nullable). */
SnDependencyAudit *sn_maintenance_deps_page_get_audit (SnMaintenanceDepsPage *self);

G_END_DECLS
