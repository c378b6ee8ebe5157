/* sn-ctl-secret.c: narcisse-ctl secret status|rotate
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

#include "sn-connection.h"
#include "sn-ctl.h"
#include "sn-maintenance-secret-steps.h"
#include "sn-maintenance-secrets.h"

/* secret status [--json] ------------------------------------------------------ */

static void
print_status_json (SnSecretStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *age = sn_secret_status_dup_age_text (status);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "variable");
  json_builder_add_string_value (builder, SN_SECRET_ROTATION_VARIABLE);
  json_builder_set_member_name (builder, "last_rotation");
  if (sn_secret_status_get_last_rotation (status) > 0)
    json_builder_add_int_value (builder, sn_secret_status_get_last_rotation (status));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "last_rotation_text");
  json_builder_add_string_value (builder, age);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, sn_secret_status_get_source (status));
  json_builder_set_member_name (builder, "file_fingerprint");
  json_builder_add_string_value (builder, sn_secret_status_get_file_fingerprint (status));
  json_builder_set_member_name (builder, "file_mode");
  json_builder_add_string_value (builder, sn_secret_status_get_file_mode (status));
  json_builder_set_member_name (builder, "container_reachable");
  json_builder_add_boolean_value (builder, sn_secret_status_get_container_reachable (status));
  json_builder_set_member_name (builder, "container_fingerprint");
  json_builder_add_string_value (builder, sn_secret_status_get_container_fingerprint (status));
  json_builder_set_member_name (builder, "in_sync");
  json_builder_add_boolean_value (builder, sn_secret_status_get_in_sync (status));
  json_builder_set_member_name (builder, "backups");
  json_builder_add_int_value (builder, sn_secret_status_get_n_backups (status));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  sn_ctl_print_json (root);
}

static void
print_status_text (SnSecretStatus *status)
{
  g_autofree char *age = sn_secret_status_dup_age_text (status);
  const char *file = sn_secret_status_get_file_fingerprint (status);
  const char *container = sn_secret_status_get_container_fingerprint (status);

  g_print (_("Secret:         %s\n"), SN_SECRET_ROTATION_VARIABLE);
  g_print (_("Last rotation:  %s\n"), age);
  g_print (_("Env file:       fingerprint %s, mode %s, %u rotation backups\n"),
           file != NULL ? file : _("none (not set)"),
           sn_secret_status_get_file_mode (status) != NULL ? sn_secret_status_get_file_mode (status) : "?",
           sn_secret_status_get_n_backups (status));
  if (!sn_secret_status_get_container_reachable (status))
    g_print (_("Running app:    not reachable\n"));
  else
    g_print (_("Running app:    fingerprint %s (%s)\n"), container != NULL ? container : _("none"),
             sn_secret_status_get_in_sync (status) ? _("the same as the file")
                                                   : _("NOT the file’s: recreate the app container"));
}

static int
secret_status (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnSecretStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int exit_status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("secret status", NULL,
                                       _("When NEXTAUTH_SECRET was last rotated, and its fingerprint (8 hex "
                                         "digits of its SHA-256, never the value) in the env file and in the "
                                         "running app. Exit status: 0 the app runs the file's secret, 1 it does "
                                         "not, 2 failed."),
                                       entries);
  if (!sn_ctl_parse_options (context, "secret status", &argc, &argv, &exit_status))
    return exit_status;
  if (argc != 1)
    return sn_ctl_usage_error ("secret status", _("No argument expected"));

  if (!(connection = sn_ctl_open_host (ctl, &profile)))
    return SN_CTL_EXIT_FAILURE;
  if (!(status = sn_maintenance_secret_status_sync (sn_connection_get_host (connection), profile, NULL, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (json)
    print_status_json (status);
  else
    print_status_text (status);
  return sn_secret_status_get_in_sync (status) ? SN_CTL_EXIT_OK : SN_CTL_EXIT_DEGRADED;
}

/* secret rotate: the runbook ------------------------------------------------------ */

static int
secret_rotate (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  g_autofree char *confirm = NULL;
  SnCtlRunOptions options = { NULL };
  SnRunbook *runbook;
  int status;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"), N_("NAME") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show the plan and its impact; change nothing"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("secret rotate", NULL,
                                       _("Rotate NEXTAUTH_SECRET (runbook secret-rotate): everyone is logged "
                                         "out and every cancel link or QR code already e-mailed stops working. "
                                         "The env file is backed up, replaced atomically, the app recreated and "
                                         "checked to run the new secret; on any failure the previous file is "
                                         "put back and checked. Exit status: 0 done, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "secret rotate", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("secret rotate", _("No argument expected"));

  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;

  catalog = sn_ctl_load_runbooks ();
  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, "secret-rotate")))
    return SN_CTL_EXIT_FAILURE;

  options.confirm = confirm;
  options.warning = sn_maintenance_secret_impact ();
  return sn_ctl_run_runbook (runbook, profile, NULL, &options, NULL);
}

/* secret steps: the critical secrets rotated by hand ------------------------------ */

static void
print_steps_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const SnSecretSteps *all;
  guint n;

  all = sn_maintenance_secret_steps (&n);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) also = g_strsplit (all[i].also != NULL ? all[i].also : "", " ", -1);
      g_autofree char *steps_text = sn_maintenance_secret_steps_dup_text (&all[i]);
      g_auto(GStrv) lines = g_strsplit (steps_text, "\n", -1);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "variable");
      json_builder_add_string_value (builder, all[i].name);
      json_builder_set_member_name (builder, "also");
      json_builder_begin_array (builder);
      for (guint j = 0; also[j] != NULL; j++)
        if (*also[j] != '\0')
          json_builder_add_string_value (builder, also[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "automated");
      json_builder_add_boolean_value (builder, all[i].automated);
      json_builder_set_member_name (builder, "why");
      json_builder_add_string_value (builder, _(all[i].why));
      json_builder_set_member_name (builder, "steps");
      json_builder_begin_array (builder);
      for (guint j = 0; lines[j] != NULL; j++)
        json_builder_add_string_value (builder, lines[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

static void
print_steps_text (void)
{
  const SnSecretSteps *all;
  guint n;

  all = sn_maintenance_secret_steps (&n);
  for (guint i = 0; i < n; i++)
    {
      if (all[i].also != NULL)
        g_print (_("%s%s (changes with %s)\n"), i > 0 ? "\n" : "", all[i].name, all[i].also);
      else
        g_print ("%s%s\n", i > 0 ? "\n" : "", all[i].name);
      g_print ("  %s\n", all[i].automated ? _("Rotated by this app") : _("Rotated by hand"));
      g_print ("  %s\n", _(all[i].why));
      {
        g_autofree char *text = sn_maintenance_secret_steps_dup_text (&all[i]);
        g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

        for (guint j = 0; lines[j] != NULL; j++)
          g_print ("    %s\n", lines[j]);
      }
    }
}

static int
secret_steps (SnCtl  *ctl,
              int     argc,
              char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  gboolean json = FALSE;
  int exit_status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("secret steps", NULL,
                                       _("Every critical secret of the site (runbook annex A, target-system "
                                         "§6): why it is not rotated automatically and the manual steps (where "
                                         "to change it, the env file, the recreate command, how to verify). "
                                         "Reads nothing on the server. Exit status: 0."),
                                       entries);
  if (!sn_ctl_parse_options (context, "secret steps", &argc, &argv, &exit_status))
    return exit_status;
  if (argc != 1)
    return sn_ctl_usage_error ("secret steps", _("No argument expected"));

  if (json)
    print_steps_json ();
  else
    print_steps_text ();
  return SN_CTL_EXIT_OK;
}

int
sn_ctl_secret (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "status", secret_status },
    { "rotate", secret_rotate },
    { "steps", secret_steps },
  };

  return sn_ctl_run_subcommand (ctl, "secret",
                                _("Usage: narcisse-ctl secret status [--json] | "
                                  "rotate [--dry-run] [--yes] [--confirm NAME] | steps [--json]"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
