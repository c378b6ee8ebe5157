/* sn-ctl-maintenance.c: narcisse-ctl maintenance (disk | volume-rm | audit)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

int
sn_ctl_maintenance (SnCtl  *ctl,
                    int     argc,
                    char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "disk", sn_ctl_maintenance_disk },
    { "volume-rm", sn_ctl_maintenance_volume_rm },
    { "audit", sn_ctl_maintenance_audit },
    { "jobs", sn_ctl_maintenance_jobs },
  };

  return sn_ctl_run_subcommand (ctl, "maintenance",
                                _("Usage: narcisse-ctl maintenance disk [--dry-run] [--yes] [--journal-size SIZE] | "
                                  "volume-rm VOLUME --typed VOLUME [--yes] | audit [--json] | audit --fix [--dry-run] [--yes] | jobs [--json]"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
