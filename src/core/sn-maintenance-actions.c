/* sn-maintenance-actions.c: the runbook actions of maintenance (maintenance.*)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-host.h"
#include "sn-maintenance-secrets.h"

/*
 * maintenance.secret.status  READ, read-only: when NEXTAUTH_SECRET was last
 *   rotated, its fingerprint in the env file and in the running app.
 * maintenance.secret.rotate  DESTROY (everyone logged out, e-mailed links
 *   dead), operator, and the service checks the level again: the whole
 *   rotation in one action, so the value never passes between steps, with
 *   its own restore when anything fails after the file changed.
 */

/* maintenance.secret.status {} ---------------------------------------------- */

static char *
status_describe (SnActionContext *context,
                 JsonObject      *args)
{
  g_autofree char *command = sn_host_command_env_rotation_status (sn_action_context_get_profile (context),
                                                                  SN_SECRET_ROTATION_VARIABLE,
                                                                  SN_SECRET_ROTATION_SERVICE);

  return sn_host_action_describe (context, command);
}

static void
emit_status (SnActionContext *context,
             SnSecretStatus  *status)
{
  g_autofree char *age = sn_secret_status_dup_age_text (status);
  const char *file = sn_secret_status_get_file_fingerprint (status);
  const char *container = sn_secret_status_get_container_fingerprint (status);

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Last rotation: %s"), age);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Env file: fingerprint %s, mode %s, %u rotation backups"),
                          file != NULL ? file : _("none (NEXTAUTH_SECRET is not set)"),
                          sn_secret_status_get_file_mode (status) != NULL
                          ? sn_secret_status_get_file_mode (status) : "?",
                          sn_secret_status_get_n_backups (status));
  if (!sn_secret_status_get_container_reachable (status))
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Running app: not reachable"));
  else
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Running app: fingerprint %s%s"),
                            container != NULL ? container : _("none"),
                            sn_secret_status_get_in_sync (status)
                            ? _(" (the same as the file)")
                            : _(" (NOT the file’s: the app was not recreated since the file changed)"));
}

static gboolean
status_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnHost) host = sn_host_for_action (context, error);
  g_autoptr(SnSecretStatus) status = NULL;
  g_autofree char *when = NULL;

  if (host == NULL ||
      !(status = sn_maintenance_secret_status_sync (host, sn_action_context_get_profile (context),
                                                    sn_action_context_get_cancellable (context), error)))
    return FALSE;

  emit_status (context, status);
  when = g_strdup_printf ("%" G_GINT64_FORMAT, sn_secret_status_get_last_rotation (status));
  sn_action_context_set_output (context, "last-rotation", when);
  sn_action_context_set_output (context, "fingerprint", sn_secret_status_get_file_fingerprint (status));
  return TRUE;
}

static const SnActionInfo status_action = {
  .name = "maintenance.secret.status",
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .describe = status_describe,
  .run = status_run,
};

/* maintenance.secret.rotate {} ---------------------------------------------- */

static char *
rotate_describe (SnActionContext *context,
                 JsonObject      *args)
{
  static const char * const up[] = { "up", "-d", SN_SECRET_ROTATION_SERVICE, NULL };
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *env = sn_host_command_env_path (profile);
  g_autofree char *backup_path = g_strdup_printf ("%s.%s.bak", env, stamp);
  g_autofree char *backup = sn_host_command_env_backup (profile, stamp);
  g_autofree char *prune = sn_host_command_env_prune (profile, SN_SECRET_ROTATION_KEEP);
  g_autofree char *check = sn_host_command_env_check (profile, SN_SECRET_ROTATION_VARIABLE);
  g_autofree char *recreate = sn_host_command_compose (profile, up);
  g_autofree char *compare = sn_host_command_env_compare (profile, SN_SECRET_ROTATION_VARIABLE,
                                                          SN_SECRET_ROTATION_SERVICE);
  g_autofree char *restore = sn_host_command_env_restore (profile, backup_path, "600", NULL);
  g_autofree char *backup_text = sn_host_action_describe (context, backup);
  g_autofree char *check_text = sn_host_action_describe (context, check);
  g_autofree char *recreate_text = sn_host_action_describe (context, recreate);
  g_autofree char *compare_text = sn_host_action_describe (context, compare);
  g_autofree char *restore_text = sn_host_action_describe (context, restore);
  g_autofree char *prune_text = sn_host_action_describe (context, prune);
  g_autofree char *health = sn_profile_dup_health_url (profile, FALSE);

  return g_strdup_printf (_("1. Read %s over SFTP and make the new %s here: %d random bytes from the "
                            "system's generator, base64. It is never shown nor logged: only its "
                            "fingerprint (8 hex digits of its SHA-256).\n"
                            "2. Back the file up (UTC time of the run, mode 600):\n%s\n"
                            "3. Write the new file over SFTP to a temporary file beside it, then rename it "
                            "over the old one (same mode and owner).\n"
                            "4. Check it parses:\n%s\n"
                            "5. Recreate the app container with the env file (a restart would keep the "
                            "old secret):\n%s\n"
                            "6. Wait until %s answers, then compare the SHA-256 of the running app's "
                            "secret with the file's, on the host:\n%s\n"
                            "7. Keep the newest %d backups:\n%s\n"
                            "If anything fails after step 3: put the backup back, then steps 5 and 6 "
                            "again with the previous secret:\n%s"),
                          env, SN_SECRET_ROTATION_VARIABLE, SN_SECRET_ROTATION_BYTES, backup_text, check_text,
                          recreate_text, health, compare_text, SN_SECRET_ROTATION_KEEP, prune_text, restore_text);
}

static char *
rotate_impact (SnActionContext  *context,
               JsonObject       *args,
               GError          **error)
{
  g_autoptr(SnHost) host = sn_host_for_action (context, error);
  g_autoptr(SnSecretStatus) status = NULL;
  g_autofree char *age = NULL;
  const char *file;

  if (host == NULL ||
      !(status = sn_maintenance_secret_status_sync (host, sn_action_context_get_profile (context),
                                                    sn_action_context_get_cancellable (context), error)))
    return NULL;

  age = sn_secret_status_dup_age_text (status);
  file = sn_secret_status_get_file_fingerprint (status);
  return g_strdup_printf (_("%s\nLast rotation: %s. Current secret: fingerprint %s%s."),
                          sn_maintenance_secret_impact (), age,
                          file != NULL ? file : _("none"),
                          sn_secret_status_get_in_sync (status) ? ""
                          : _(" (the running app does not use it yet)"));
}

static void
on_rotate_progress (const char *message,
                    gpointer    user_data)
{
  sn_action_context_emit (user_data, SN_OUTPUT_INFO, "%s", message);
}

static gboolean
rotate_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnHost) host = sn_host_for_action (context, error);
  g_autoptr(SnSecretRotation) rotation = NULL;

  if (host == NULL)
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_INFO, "%s", sn_maintenance_secret_impact ());
  if (!(rotation = sn_maintenance_secret_rotate_sync (host, sn_action_context_get_profile (context),
                                                      on_rotate_progress, context,
                                                      sn_action_context_get_cancellable (context), error)))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("%s rotated: fingerprint %s → %s"),
                          SN_SECRET_ROTATION_VARIABLE,
                          sn_secret_rotation_get_old_fingerprint (rotation) != NULL
                          ? sn_secret_rotation_get_old_fingerprint (rotation) : _("none"),
                          sn_secret_rotation_get_new_fingerprint (rotation));
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Backup of the previous env file: %s"),
                          sn_secret_rotation_get_backup (rotation));
  for (const char * const *p = sn_secret_rotation_get_pruned (rotation); p != NULL && *p != NULL; p++)
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Old backup removed (%d kept): %s"),
                            SN_SECRET_ROTATION_KEEP, *p);
  sn_action_context_set_output (context, "old-fingerprint", sn_secret_rotation_get_old_fingerprint (rotation));
  sn_action_context_set_output (context, "fingerprint", sn_secret_rotation_get_new_fingerprint (rotation));
  sn_action_context_set_output (context, "backup", sn_secret_rotation_get_backup (rotation));
  return TRUE;
}

static const SnActionInfo rotate_action = {
  .name = "maintenance.secret.rotate",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = rotate_describe,
  .impact = rotate_impact,
  .run = rotate_run,
};

/**
 * sn_maintenance_secret_actions_register:
 *
 * The secret rotation's actions (the rest of the area registers its own).
 */
void
sn_maintenance_secret_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&status_action);
      sn_action_register (&rotate_action);
      g_once_init_leave (&initialized, 1);
    }
}
