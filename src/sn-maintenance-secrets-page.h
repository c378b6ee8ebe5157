/* sn-maintenance-secrets-page.h: the login secret's status and rotation (runbook §6.3)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-area-page.h"
#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_MAINTENANCE_SECRETS_PAGE (sn_maintenance_secrets_page_get_type ())

G_DECLARE_FINAL_TYPE (SnMaintenanceSecretsPage, sn_maintenance_secrets_page, SN, MAINTENANCE_SECRETS_PAGE, SnAreaPage)

GtkWidget      *sn_maintenance_secrets_page_new            (void);
SnProfile      *sn_maintenance_secrets_page_get_profile    (SnMaintenanceSecretsPage *self);
void            sn_maintenance_secrets_page_set_profile    (SnMaintenanceSecretsPage *self,
                                                            SnProfile                *profile);
SnConnection   *sn_maintenance_secrets_page_get_connection (SnMaintenanceSecretsPage *self);
void            sn_maintenance_secrets_page_set_connection (SnMaintenanceSecretsPage *self,
                                                            SnConnection             *connection);
gboolean        sn_maintenance_secrets_page_get_busy       (SnMaintenanceSecretsPage *self);
/* What the last refresh read (nullable). */
SnSecretStatus *sn_maintenance_secrets_page_get_status     (SnMaintenanceSecretsPage *self);
/* The wizard "Rotate…" opened, while it is open (nullable). */
GtkWindow      *sn_maintenance_secrets_page_get_wizard     (SnMaintenanceSecretsPage *self);

G_END_DECLS
