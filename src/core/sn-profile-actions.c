/* sn-profile-actions.c: the runbook action profile.export-readonly
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-actions"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-actions-builtin.h"
#include "sn-profile.h"

/* profile.export-readonly ----------------------------------------------------
 *
 * args: { "path": "/home/me/direction.json", "name": "direction", "role": "direction_ro",
 *         "ssh-key-file": "" }
 * The profile of the run with the read-only level, the role as db-user, the
 * tunnel key; no secret and no credentials file in it.
 */

static gboolean
export_check (JsonObject  *args,
              GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "name", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "role", TRUE, error) != NULL;
}

static char *
export_describe (SnActionContext *context,
                 JsonObject      *args)
{
  return g_strdup_printf (_("Write the read-only profile “%s” to %s (mode 0600, no secret in it)"),
                          json_object_get_string_member_with_default (args, "name", "?"),
                          json_object_get_string_member_with_default (args, "path", "?"));
}

static gboolean
export_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  const char *path = sn_action_args_get_string (args, "path", TRUE, error);
  const char *name = path != NULL ? sn_action_args_get_string (args, "name", TRUE, error) : NULL;
  const char *role = name != NULL ? sn_action_args_get_string (args, "role", TRUE, error) : NULL;
  const char *key_file = json_object_get_string_member_with_default (args, "ssh-key-file", "");
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *json = NULL;

  if (role == NULL || !sn_database_check_role_name (role, error))
    return FALSE;
  if (!g_path_is_absolute (path))
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("“%s” is not an absolute path: give the full path of the file to write."), path);
      return FALSE;
    }

  profile = sn_profile_copy (sn_action_context_get_profile (context));
  g_object_set (profile,
                "name", name,
                "safety-level", SN_SAFETY_LEVEL_READ_ONLY,
                "db-user", role,
                "ssh-key-file", key_file != NULL ? key_file : "",
                "credentials-file", "",
                NULL);
  node = sn_profile_to_json (profile);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);

  /* A cancel asked for while this step ran means no file (the run reverts). */
  if (g_cancellable_set_error_if_cancelled (sn_action_context_get_cancellable (context), error))
    return FALSE;
  if (!g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  sn_action_context_set_output (context, "path", path);
  sn_action_context_emit (context, SN_OUTPUT_INFO,
                          _("Read-only profile written to %s. Give it with the role’s password, "
                            "separately, and the private SSH key."), path);
  return TRUE;
}

static const SnActionInfo export_action = {
  .name = "profile.export-readonly",
  .check = export_check,
  .describe = export_describe,
  .run = export_run,
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_ADMIN,
};

/**
 * sn_profile_actions_register:
 *
 * Registers `profile.export-readonly` { "path", "name", "role", "ssh-key-file" }.
 */
void
sn_profile_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&export_action);
      g_once_init_leave (&initialized, 1);
    }
}
