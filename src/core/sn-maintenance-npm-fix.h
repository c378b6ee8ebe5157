/* sn-maintenance-npm-fix.h: npm audit fix in the host checkout, with its backup
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-deployments.h"
#include "sn-host.h"
#include "sn-maintenance-audit.h"

G_BEGIN_DECLS

/* npm audit in the host checkout (read-only, any profile); npm's exit
 * status 1 ("vulnerabilities found") is no error. */
SnDependencyAudit *sn_maintenance_npm_audit_checkout_sync (SnHost            *host,
                                                           GCancellable      *cancellable,
                                                           GError           **error);
/* Copies package.json and package-lock.json to FILE.STAMP.bak (operator). */
gboolean           sn_maintenance_npm_backup_sync        (SnHost            *host,
                                                           const char        *stamp,
                                                           GCancellable      *cancellable,
                                                           GError           **error);
/* `npm audit fix`, never --force (operator); each line of npm to @func. */
gboolean           sn_maintenance_npm_fix_sync           (SnHost            *host,
                                                           SnDeployLineFunc   func,
                                                           gpointer           func_data,
                                                           GCancellable      *cancellable,
                                                           GError           **error);
/* Puts both files back from the backups of @stamp (operator). */
/* npm update @prisma/client prisma in the checkout (operator). */
gboolean           sn_maintenance_npm_update_prisma_sync (SnHost            *host,
                                                           SnDeployLineFunc   func,
                                                           gpointer           func_data,
                                                           GCancellable      *cancellable,
                                                           GError           **error);
gboolean           sn_maintenance_npm_restore_sync       (SnHost            *host,
                                                           const char        *stamp,
                                                           GCancellable      *cancellable,
                                                           GError           **error);
/* `up -d --build app`, then waits until the site answers (operator). */
gboolean           sn_maintenance_npm_rebuild_sync       (SnHost            *host,
                                                           SnDeployLineFunc   func,
                                                           gpointer           func_data,
                                                           GCancellable      *cancellable,
                                                           GError           **error);

G_END_DECLS
