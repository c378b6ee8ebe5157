/* narcisse-ctl.c: the command line over libsncore, for scripts and cron
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <locale.h>

#include "sn-ctl.h"

/*
 * The commands. A new command is one entry here plus its sn_ctl_NAME()
 * (in its own sn-ctl-NAME.c) that parses its options with
 * sn_ctl_option_context_new()/sn_ctl_parse_options() and returns the exit
 * status.
 */
static const SnCtlCommand commands[] = {
  { "profiles", N_("List the profiles"), sn_ctl_profiles },
  { "health", N_("Check the health of the site and its services"), sn_ctl_health },
  { "runbook", N_("List, show and run runbooks (list | show ID | run ID)"), sn_ctl_runbook },
  { "backup", N_("Database backups (create | list | verify FILE | download NAME | upload FILE)"), sn_ctl_backup },
  { "restore", N_("Restore the database from a backup (--from FILE)"), sn_ctl_restore },
  { "restore-test", N_("Monthly restore test into a temporary database"), sn_ctl_restore_test },
  { "deploy", N_("Releases and deploys (status | tags | changelog | runs | migrations | release | manual | rollback)"), sn_ctl_deploy },
  { "release", N_("Create a release tag, which deploys it (release create TAG)"), sn_ctl_release },
  { "incident", N_("Incidents: SEV1 checks, declare, list, export a postmortem"), sn_ctl_incident },
  { "report", N_("Run a business report (bookings, revenue, occupancy, payments)"), sn_ctl_report },
  { "sql", N_("Run SQL on the database, read-only unless told otherwise"), sn_ctl_sql },
  { "containers", N_("List the containers on the host (docker compose ps)"), sn_ctl_containers },
  { "logs", N_("Print or follow the logs of a service (logs SERVICE)"), sn_ctl_logs },
  { "disk", N_("Show the disk space of the host and Docker’s share of it"), sn_ctl_disk },
  { "activity", N_("Show what was done on the hosts, from the audit log"), sn_ctl_activity },
  { "cache", N_("Browse and clear the cache (keys | get | stats | delete | invalidate | flush)"), sn_ctl_cache },
  { "scaling", N_("Resources and thresholds (status | resources | replication | set)"), sn_ctl_scaling },
  { "maintenance", N_("Maintenance: disk cleanup, volumes, dependency audit (disk | volume-rm | audit | jobs)"), sn_ctl_maintenance },
  { "trust-host", N_("Check and trust the SSH host key of the profile’s server"), sn_ctl_trust_host },
  { "secret", N_("NEXTAUTH_SECRET: when it was last rotated, and its rotation (status | rotate)"), sn_ctl_secret },
  { "env", N_("Check the env file and the app’s environment against what the app needs (env check)"), sn_ctl_env },
};

static const SnCtlCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));
  guint width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, strlen (commands[i].name));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "\n  %-*s  %s", (int) width, commands[i].name,
                            _(commands[i].summary));

  g_string_append (text, "\n\n");
  g_string_append (text, _("Run “narcisse-ctl COMMAND --help” for the options of a command."));

  return g_string_free (text, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *command_prgname = NULL;
  g_autofree char *profile_name = NULL;
  const SnCtlCommand *command;
  const char *localedir;
  gboolean show_version = FALSE;
  SnCtl ctl = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Use the profile NAME (default: the only one)"), N_("NAME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  localedir = g_getenv ("SN_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("narcisse-ctl");

  description = describe_commands ();
  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Check and run the Sweet Narcisse site from scripts and cron, "
                                  "with the profiles of Narcisse Admin."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!sn_ctl_parse_options (context, NULL, &argc, &argv, &status))
    return status;

  if (show_version)
    {
      g_print ("narcisse-ctl %s\n", PACKAGE_VERSION);
      return SN_CTL_EXIT_OK;
    }

  if (argc < 2)
    return sn_ctl_usage_error (NULL, _("A command is missing"));

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);

      return sn_ctl_usage_error (NULL, message);
    }

  if (profile_name != NULL && !sn_profile_name_is_valid (profile_name))
    {
      sn_ctl_printerr (_("No profile named “%s”. Run “narcisse-ctl profiles” to list them."),
                       profile_name);
      return SN_CTL_EXIT_FAILURE;
    }

  ctl.profile_name = profile_name;

  /* The command's own --help then reads "narcisse-ctl health [OPTION…]". */
  command_prgname = g_strdup_printf ("narcisse-ctl %s", command->name);
  g_set_prgname (command_prgname);
  argv[1] = command_prgname;

  return command->run (&ctl, argc - 1, argv + 1);
}
