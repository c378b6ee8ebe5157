/* sn-backups-page.h: the "Backups" view: local and remote
 *                    backups, make/verify/upload/download, restore and the
 *                    monthly restore test through the runbook wizard
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-backup-service.h"
#include "sn-runbook-wizard.h"

G_BEGIN_DECLS

#define SN_TYPE_BACKUPS_PAGE (sn_backups_page_get_type ())

G_DECLARE_FINAL_TYPE (SnBackupsPage, sn_backups_page, SN, BACKUPS_PAGE, GtkWidget)

/*
 * Actions (group "backups"): create, cancel, verify (s: name), upload (s),
 * download (s), restore (s: a local path or a remote name), restore-test,
 * refresh (also "view.refresh", for the window). Below the operator level
 * the lists show without their actions; core refuses them anyway.
 *
 * Signal "restore-tested": a restore test ended (the wizard finished), so the
 * "last verified restore" badge should be read again.
 */
GtkWidget       *sn_backups_page_new           (void);
SnProfile       *sn_backups_page_get_profile   (SnBackupsPage *self);
void             sn_backups_page_set_profile   (SnBackupsPage *self,
                                                SnProfile     *profile);
/* (nullable): the service of the current profile */
SnBackupService *sn_backups_page_get_service   (SnBackupsPage *self);
/* Whether an operation (make, verify, upload, download) is running. */
gboolean         sn_backups_page_get_busy      (SnBackupsPage *self);
/* (nullable): the wizard last opened by Restore… or Restore Test… */
SnRunbookWizard *sn_backups_page_get_wizard    (SnBackupsPage *self);
/* The local or remote row of backup @name, or NULL. */
AdwActionRow    *sn_backups_page_find_row      (SnBackupsPage *self,
                                                const char    *name,
                                                gboolean       remote);

/* The badge's text and style class ("success", "warning", "error" or
 * "dim-label") for @result at @now (NULL: now); @result NULL: never tested. */
char            *sn_restore_badge_dup_text     (SnRestoreTestResult *result,
                                                GDateTime           *now,
                                                const char         **css_class);

G_END_DECLS
