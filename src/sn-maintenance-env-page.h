/* sn-maintenance-env-page.h: the environment audit (runbook annexes A, B, C)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-area-page.h"
#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_ENV_PAGE (sn_maintenance_env_page_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceEnvPage, sn_maintenance_env_page, SN, MAINTENANCE_ENV_PAGE, SnAreaPage)

GtkWidget    *sn_maintenance_env_page_new            (void);
SnProfile    *sn_maintenance_env_page_get_profile    (SnMaintenanceEnvPage *self);
void          sn_maintenance_env_page_set_profile    (SnMaintenanceEnvPage *self,
                                                      SnProfile            *profile);
SnConnection *sn_maintenance_env_page_get_connection (SnMaintenanceEnvPage *self);
void          sn_maintenance_env_page_set_connection (SnMaintenanceEnvPage *self,
                                                      SnConnection         *connection);
gboolean      sn_maintenance_env_page_get_busy       (SnMaintenanceEnvPage *self);
/* What the last check found (nullable). */
SnEnvAudit   *sn_maintenance_env_page_get_audit      (SnMaintenanceEnvPage *self);

G_END_DECLS
