/* sn-ctl-env.c: narcisse-ctl env check
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
#include "sn-maintenance-env.h"

static void
add_items_json (JsonBuilder *builder,
                const char  *member,
                GListModel  *items,
                gboolean     variables)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnEnvItem) item = g_list_model_get_item (items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sn_env_item_get_name (item));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, sn_env_state_to_nick (sn_env_item_get_state (item)));
      if (variables)
        {
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, sn_env_presence_to_nick (sn_env_item_get_in_file (item)));
          json_builder_set_member_name (builder, "container");
          json_builder_add_string_value (builder, sn_env_presence_to_nick (sn_env_item_get_in_container (item)));
          json_builder_set_member_name (builder, "passed_by_compose");
          json_builder_add_boolean_value (builder, sn_env_item_get_passed (item));
        }
      json_builder_set_member_name (builder, "runbook");
      json_builder_add_string_value (builder, sn_env_item_get_expected (item));
      json_builder_set_member_name (builder, "actual");
      json_builder_add_string_value (builder, sn_env_item_get_actual (item));
      json_builder_set_member_name (builder, variables ? "impact" : "seen");
      json_builder_add_string_value (builder, sn_env_item_get_impact (item));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_json (SnEnvAudit *audit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sn_env_state_to_nick (sn_env_audit_get_state (audit)));
  json_builder_set_member_name (builder, "container_reachable");
  json_builder_add_boolean_value (builder, sn_env_audit_get_container_reachable (audit));
  add_items_json (builder, "variables", sn_env_audit_get_variables (audit), TRUE);
  add_items_json (builder, "ports", sn_env_audit_get_ports (audit), FALSE);
  add_items_json (builder, "paths", sn_env_audit_get_paths (audit), FALSE);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  sn_ctl_print_json (root);
}

static void
print_section (const char *title,
               GListModel *items,
               guint       width)
{
  g_print ("%s\n", title);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnEnvItem) item = g_list_model_get_item (items, i);

      g_print ("  ");
      sn_ctl_print_padded (sn_env_item_get_name (item), width);
      sn_ctl_print_padded (sn_env_item_get_state_label (item), 26);
      g_print ("%s\n", sn_env_item_get_actual (item));
      g_print ("  %*s%s: %s\n", (int) width + 26, "", _("runbook"), sn_env_item_get_expected (item));
      if (sn_env_item_get_state (item) != SN_ENV_STATE_OK || width < 30)
        g_print ("  %*s%s\n", (int) width + 26, "", sn_env_item_get_impact (item));
    }
  g_print ("\n");
}

static int
env_check (SnCtl  *ctl,
           int     argc,
           char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnEnvAudit) audit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("env check", NULL,
                                       _("Check the env file and the running app against what the app needs: the "
                                         "critical variables (names only, never values) and what breaks without "
                                         "them, the variables compose does not pass, and the ports and paths of "
                                         "the runbook's annexes with the real values. Exit status: 0 every "
                                         "variable fine, 1 one missing or not passed, 2 failed."),
                                       entries);
  if (!sn_ctl_parse_options (context, "env check", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("env check", _("No argument expected"));

  if (!(connection = sn_ctl_open_host (ctl, &profile)))
    return SN_CTL_EXIT_FAILURE;
  if (!(audit = sn_maintenance_env_check_sync (sn_connection_get_host (connection), profile, NULL, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (json)
    print_json (audit);
  else
    {
      if (!sn_env_audit_get_container_reachable (audit))
        g_print ("%s\n\n", _("The app container does not answer: its variables could not be checked."));
      print_section (_("Variables"), sn_env_audit_get_variables (audit), 24);
      print_section (_("Ports"), sn_env_audit_get_ports (audit), 24);
      print_section (_("Paths"), sn_env_audit_get_paths (audit), 48);
    }

  return sn_env_audit_get_state (audit) == SN_ENV_STATE_OK ? SN_CTL_EXIT_OK : SN_CTL_EXIT_DEGRADED;
}

int
sn_ctl_env (SnCtl  *ctl,
            int     argc,
            char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "check", env_check },
  };

  return sn_ctl_run_subcommand (ctl, "env", _("Usage: narcisse-ctl env check [--json]"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
