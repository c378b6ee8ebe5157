/* sn-ctl-maintenance-disk.c: narcisse-ctl maintenance disk and volume-rm
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

static int
run (SnCtl           *ctl,
     const char      *id,
     GHashTable      *params,
     SnCtlRunOptions *options)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
  g_autoptr(SnProfile) profile = sn_ctl_open_profile (ctl);
  SnRunbook *runbook;

  if (profile == NULL || !(runbook = sn_ctl_lookup_builtin_runbook (catalog, id)))
    return SN_CTL_EXIT_FAILURE;
  return sn_ctl_run_runbook (runbook, profile, params, options, NULL);
}

/**
 * sn_ctl_maintenance_disk:
 *
 * `maintenance disk [--dry-run] [--yes] [--journal-size SIZE]`: the
 * disk-cleanup runbook; its plan (the dry run) lists df and exactly what each
 * action would free.
 */
int
sn_ctl_maintenance_disk (SnCtl  *ctl,
                         int     argc,
                         char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *size = NULL;
  g_autofree char *confirm = NULL;
  g_autoptr(GError) error = NULL;
  SnCtlRunOptions options = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run,
      N_("List what each action would free; change nothing"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "journal-size", 0, 0, G_OPTION_ARG_STRING, &size,
      N_("What the system journal keeps (default 500M, at least 50M)"), N_("SIZE") },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"),
      N_("NAME") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("maintenance disk", NULL,
                                       _("Free disk space on the host without losing data (runbook "
                                         "disk-cleanup): prune stopped containers that are not the stack’s, "
                                         "unused images and the build cache (never a volume), vacuum the "
                                         "system journal and clean the npm cache; df before and after, and "
                                         "the bytes freed. Exit status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "maintenance disk", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("maintenance disk", _("No argument expected"));
  if (size != NULL && !sn_maintenance_parse_journal_size (size, NULL, &error))
    return sn_ctl_usage_error ("maintenance disk", error->message);

  g_hash_table_insert (params, (char *) "journal-size",
                       size != NULL ? size : (char *) SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE);
  options.confirm = confirm;
  return run (ctl, "disk-cleanup", params, &options);
}

/**
 * sn_ctl_maintenance_volume_rm:
 *
 * `maintenance volume-rm VOLUME --typed VOLUME [--yes]`: one volume, by the
 * docker-volume-remove runbook; core refuses it unless --typed is the name.
 */
int
sn_ctl_maintenance_volume_rm (SnCtl  *ctl,
                              int     argc,
                              char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *typed = NULL;
  g_autofree char *confirm = NULL;
  SnCtlRunOptions options = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "typed", 0, 0, G_OPTION_ARG_STRING, &typed, N_("The volume's name typed again, to confirm"),
      N_("VOLUME") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"),
      N_("NAME") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show what it would delete; change nothing"),
      NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("maintenance volume-rm", _("VOLUME"),
                                       _("Remove one Docker volume and everything in it, for good (runbook "
                                         "docker-volume-remove). Refused unless --typed repeats its name, "
                                         "while a container uses it, and below admin for a volume that holds "
                                         "the site’s data. Exit status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "maintenance volume-rm", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("maintenance volume-rm", _("Name one volume"));

  g_hash_table_insert (params, (char *) "volume", argv[1]);
  g_hash_table_insert (params, (char *) "confirm", typed != NULL ? typed : (char *) "");
  options.confirm = confirm;
  return run (ctl, "docker-volume-remove", params, &options);
}
