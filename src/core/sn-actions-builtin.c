/* sn-actions-builtin.c: every area's runbook actions, registered at once
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An action's name leads to its file: http.* in sn-http-actions.c, host.*
 * in sn-host-actions.c, db.* in sn-database-actions.c, backup.* in
 * sn-backup-actions.c, profile.* in sn-profile-actions.c.
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include "sn-actions-builtin.h"
#include "sn-cache-service.h"
#include "sn-backup-service.h"
#include "sn-deployments.h"
#include "sn-host.h"
#include "sn-maintenance-secrets.h"
#include "sn-maintenance-disk.h"
#include "sn-scaling.h"

void
sn_actions_register_builtin (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_http_actions_register ();
      sn_cache_actions_register ();
      sn_host_register_actions ();
      sn_database_actions_register ();
      sn_backup_actions_register ();
      sn_profile_actions_register ();
      sn_deploy_register_actions ();
      sn_maintenance_secret_actions_register ();
      sn_maintenance_disk_actions_register ();
      sn_scaling_actions_register ();
      g_once_init_leave (&initialized, 1);
    }
}
