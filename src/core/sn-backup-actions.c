/* sn-backup-actions.c: the runbook actions of backups, restore and restore test
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backup"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-backup-service.h"
#include "sn-host.h"

/* Plans name what is only known when the step runs with these. */
#define PLANNED_BACKUP_NAME "sweet_narcisse_YYYYMMDD_HHMMSS.dump"
#define PLANNED_TEST_DATABASE "sn_restore_test_EPOCH"

/* The run's SnBackupService ("backup"), else one over its SSH session. */
static SnBackupService *
get_service (SnActionContext  *context,
             GError          **error)
{
  SnBackupService *service = sn_action_context_get_service (context, "backup");
  SnSshSession *session;

  if (service != NULL)
    return g_object_ref (service);

  if ((session = sn_action_context_get_service (context, "ssh")) == NULL)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_UNAVAILABLE,
                   _("Not connected to the host of “%s”: connect first."),
                   sn_profile_get_name (sn_action_context_get_profile (context)));
      return NULL;
    }

  return sn_backup_service_new (sn_action_context_get_profile (context), session);
}

static void
publish (SnActionContext *context,
         SnBackup        *backup)
{
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, sn_backup_get_size (backup));

  sn_action_context_set_output (context, "name", sn_backup_get_name (backup));
  sn_action_context_set_output (context, "path", sn_backup_get_path (backup));
  sn_action_context_set_output (context, "size", size);
  if (sn_backup_get_sha256 (backup) != NULL)
    sn_action_context_set_output (context, "sha256", sn_backup_get_sha256 (backup));
}

static gboolean
backup_arg_check (JsonObject  *args,
                  GError     **error)
{
  return sn_action_args_get_string (args, "backup", TRUE, error) != NULL;
}

static char *
database_of (SnActionContext *context,
             JsonObject      *args)
{
  const char *database = json_object_get_string_member_with_default (args, "database", NULL);

  return g_strdup (database != NULL && *database != '\0'
                   ? database : sn_profile_get_db_name (sn_action_context_get_profile (context)));
}

/* Risks: making a backup or a test database adds things (and reads every
 * customer's data); a restore replaces the database. */

/* backup.create { "label": "manual", "upload": false } --------------------- */

static gboolean
wants_upload (JsonObject *args)
{
  JsonNode *node = json_object_get_member (args, "upload");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), "yes") == 0 ||
           g_strcmp0 (json_node_get_string (node), "true") == 0;
  return json_node_get_boolean (node);
}

/* The dump the service runs (the name is set when it runs), into the local
 * backups folder, then the upload when asked: one line, as it runs. */
static char *
create_describe (SnActionContext *context,
                 JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autoptr(SnBackupService) service = get_service (context, NULL);
  g_autofree char *dump = sn_backup_service_dup_dump_command (profile, PLANNED_BACKUP_NAME);
  g_autofree char *ssh = sn_host_command_describe (profile, dump);
  g_autofree char *local = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *text = NULL;

  local = service != NULL
          ? g_build_filename (sn_backup_service_get_directory (service), PLANNED_BACKUP_NAME, NULL)
          : g_strdup (PLANNED_BACKUP_NAME);
  quoted = sn_host_shell_word (local);
  text = g_strdup_printf ("%s > %s", ssh, quoted);

  if (wants_upload (args) && service != NULL)
    {
      g_autofree char *upload = sn_backup_service_dup_upload_command (service, PLANNED_BACKUP_NAME);
      g_autofree char *ssh_upload = sn_host_command_describe (profile, upload);
      char *both = g_strdup_printf ("%s && %s", text, ssh_upload);

      g_free (text);
      text = both;
    }

  return g_steal_pointer (&text);
}

static gboolean
create_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  const char *label = json_object_get_string_member_with_default (args, "label", "manual");
  gboolean upload = wants_upload (args);

  if (service == NULL)
    return FALSE;

  backup = sn_backup_service_create_sync (service, label,
                                          upload ? SN_BACKUP_CREATE_UPLOAD : SN_BACKUP_CREATE_NONE,
                                          sn_action_context_get_cancellable (context), error);
  if (backup == NULL)
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("%s: %llu bytes, sha256 %s, verified"),
                          sn_backup_get_path (backup), (unsigned long long) sn_backup_get_size (backup),
                          sn_backup_get_sha256 (backup));
  publish (context, backup);
  return TRUE;
}

static const SnActionInfo create_action = {
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.create",
  .describe = create_describe,
  .run = create_run,
};

/* backup.safety { "max-age-minutes": 30 } --------------------------------------
 * The safety backup the gate verified (made by the wizard or the CLI right
 * before the run); made now if there is none. */

static char *
safety_describe (SnActionContext *context,
                 JsonObject      *args)
{
  return g_strdup (_("the verified safety backup made for this run (pg_dump -Fc inside the db container)"));
}

static gboolean
safety_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  guint max_age = json_object_get_int_member_with_default (args, "max-age-minutes", 30);

  if (service == NULL)
    return FALSE;

  if ((backup = sn_backup_service_find_recent (service, "safety", max_age)) != NULL &&
      sn_backup_get_state (backup) == SN_BACKUP_STATE_VERIFIED)
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("Using the safety backup %s made %lld"
                                                         " minutes ago."),
                              sn_backup_get_name (backup), (long long) (sn_backup_get_age_seconds (backup) / 60));
    }
  else
    {
      g_clear_object (&backup);
      if (!(backup = sn_backup_service_create_sync (service, "safety", SN_BACKUP_CREATE_NONE,
                                                    sn_action_context_get_cancellable (context), error)))
        return FALSE;
    }

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s (%" G_GUINT64_FORMAT " bytes, sha256 %s)",
                          sn_backup_get_path (backup), sn_backup_get_size (backup), sn_backup_get_sha256 (backup));
  publish (context, backup);
  return TRUE;
}

static const SnActionInfo safety_action = {
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.safety",
  .describe = safety_describe,
  .run = safety_run,
};

/* backup.prepare { "backup": PATH-OR-NAME } ------------------------------------- */

static char *
prepare_describe (SnActionContext *context,
                  JsonObject      *args)
{
  return g_strdup_printf (_("verify %s: size, sha256 against its manifest, pg_restore --list and a full "
                            "read inside the db container"),
                          json_object_get_string_member (args, "backup"));
}

static char *
prepare_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GHashTable) now = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) count_error = NULL;
  g_auto(GStrv) tables = NULL;
  g_autofree char *created = NULL;
  const char *source = json_object_get_string_member (args, "backup");

  if (service == NULL)
    return NULL;

  if (strchr (source, '/') == NULL)
    {
      g_autofree char *local = g_build_filename (sn_backup_service_get_directory (service), source, NULL);

      if (!g_file_test (local, G_FILE_TEST_EXISTS))
        return g_strdup_printf (_("%s will be downloaded from %s/%s and verified; its tables are shown "
                                  "once it is here."), source, sn_backup_service_get_bucket (service),
                                sn_backup_service_get_prefix (service));
    }

  if (!(backup = sn_backup_service_find_sync (service, source, sn_action_context_get_cancellable (context), error)))
    return NULL;

  created = sn_backup_get_created (backup) != NULL
            ? g_date_time_format (sn_backup_get_created (backup), "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
  g_string_append_printf (text, _("Replaces ALL the data of the database %s with %s (%s, %llu"
                                  " bytes, database %s).\n"),
                          sn_profile_get_db_name (sn_action_context_get_profile (context)),
                          sn_backup_get_name (backup), created, (unsigned long long) sn_backup_get_size (backup),
                          sn_backup_get_database (backup) != NULL ? sn_backup_get_database (backup) : "?");

  now = sn_backup_service_count_rows_sync (service, NULL, sn_action_context_get_cancellable (context), &count_error);
  tables = sn_backup_dup_table_names (backup);
  if (tables[0] == NULL)
    g_string_append (text, _("The backup has no row counts (no manifest from the app)."));
  else
    g_string_append (text, _("Rows per table, in the backup → now:"));
  for (guint i = 0; tables[i] != NULL; i++)
    {
      gint64 *current = now != NULL ? g_hash_table_lookup (now, tables[i]) : NULL;

      if (current != NULL)
        g_string_append_printf (text, "\n  %s: %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "%s", tables[i],
                                sn_backup_get_table_rows (backup, tables[i]), *current,
                                *current != sn_backup_get_table_rows (backup, tables[i]) ? " *" : "");
      else
        g_string_append_printf (text, "\n  %s: %" G_GINT64_FORMAT " → ?", tables[i],
                                sn_backup_get_table_rows (backup, tables[i]));
    }
  if (count_error != NULL)
    g_string_append_printf (text, _("\n(Current counts unavailable: %s)"), count_error->message);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
prepare_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  GCancellable *cancellable = sn_action_context_get_cancellable (context);

  if (service == NULL)
    return FALSE;

  if (!(backup = sn_backup_service_find_sync (service, json_object_get_string_member (args, "backup"),
                                              cancellable, error)) ||
      !sn_backup_service_verify_sync (service, backup, cancellable, error))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("%s verified: %llu bytes, sha256 %s"),
                          sn_backup_get_path (backup), (unsigned long long) sn_backup_get_size (backup),
                          sn_backup_get_sha256 (backup));
  publish (context, backup);
  return TRUE;
}

static const SnActionInfo prepare_action = {
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.prepare",
  .check = backup_arg_check,
  .describe = prepare_describe,
  .impact = prepare_impact,
  .run = prepare_run,
};

/* backup.verify { "backup": PATH-OR-NAME } ---------------------------------------- */

static const SnActionInfo verify_action = {
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.verify",
  .check = backup_arg_check,
  .describe = prepare_describe,
  .run = prepare_run,
};

/* backup.restore { "backup": PATH, "database": optional } ------------------------ */

/* The pg_restore the service runs on the staged copy of the backup. */
static char *
restore_describe (SnActionContext *context,
                  JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  g_autofree char *database = database_of (context, args);
  g_autofree char *name = g_path_get_basename (json_object_get_string_member (args, "backup"));
  g_autofree char *command = sn_backup_service_dup_restore_command (profile, name, database, TRUE);

  return sn_host_command_describe (profile, command);
}

static gboolean
restore_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  g_autofree char *database = database_of (context, args);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);

  if (service == NULL)
    return FALSE;

  if (!(backup = sn_backup_service_find_sync (service, json_object_get_string_member (args, "backup"),
                                              cancellable, error)))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_INFO, _("Restoring %s into %s…"), sn_backup_get_name (backup), database);
  return sn_backup_service_restore_sync (service, backup, database, cancellable, error);
}

static const SnActionInfo restore_action = {
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.restore",
  .check = backup_arg_check,
  .describe = restore_describe,
  .run = restore_run,
};

/* backup.compare { "backup": PATH, "database": optional } ------------------------ */

static char *
compare_describe (SnActionContext *context,
                  JsonObject      *args)
{
  g_autofree char *database = database_of (context, args);

  return g_strdup_printf (_("SELECT count(*) of every public table of %s, compared with the manifest of %s"),
                          database, json_object_get_string_member (args, "backup"));
}

static gboolean
compare_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnBackup) backup = NULL;
  g_autofree char *database = database_of (context, args);
  g_autofree char *report = NULL;
  GCancellable *cancellable = sn_action_context_get_cancellable (context);
  gboolean ok;

  if (service == NULL)
    return FALSE;

  if (!(backup = sn_backup_service_find_sync (service, json_object_get_string_member (args, "backup"),
                                              cancellable, error)))
    return FALSE;

  ok = sn_backup_service_compare_sync (service, backup, database, &report, cancellable, error);
  if (report != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (report, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0')
          sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", lines[i]);
    }
  return ok;
}

static const SnActionInfo compare_action = {
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.compare",
  .check = backup_arg_check,
  .describe = compare_describe,
  .run = compare_run,
};

/* backup.restore-test { "backup": "" (newest) } ---------------------------------- */

/* What changes the server, as it runs: create the test database, restore
 * into it, drop it whatever happened. */
static char *
restore_test_describe (SnActionContext *context,
                       JsonObject      *args)
{
  SnProfile *profile = sn_action_context_get_profile (context);
  const char *source = json_object_get_string_member_with_default (args, "backup", NULL);
  g_autofree char *name = g_path_get_basename (source != NULL && *source != '\0'
                                               ? source : PLANNED_BACKUP_NAME);
  g_auto(GStrv) commands = sn_backup_service_dup_restore_test_commands (profile, name,
                                                                       PLANNED_TEST_DATABASE);
  g_autofree char *create = sn_host_command_describe (profile, commands[0]);
  g_autofree char *restore = sn_host_command_describe (profile, commands[1]);
  g_autofree char *drop = sn_host_command_describe (profile, commands[2]);

  return g_strdup_printf ("%s && %s; %s", create, restore, drop);
}

static gboolean
restore_test_run (SnActionContext  *context,
                  JsonObject       *args,
                  GError          **error)
{
  g_autoptr(SnBackupService) service = get_service (context, error);
  g_autoptr(SnRestoreTestResult) result = NULL;
  const char *source = json_object_get_string_member_with_default (args, "backup", NULL);

  if (service == NULL)
    return FALSE;

  if (!(result = sn_backup_service_restore_test_sync (service, source != NULL && *source != '\0' ? source : NULL,
                                                      sn_action_context_get_cancellable (context), error)))
    return FALSE;

  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", sn_restore_test_result_get_summary (result));
  if (sn_restore_test_result_get_report_path (result) != NULL)
    {
      sn_action_context_emit (context, SN_OUTPUT_INFO, _("Evidence: %s"), sn_restore_test_result_get_report_path (result));
      sn_action_context_set_output (context, "report", sn_restore_test_result_get_report_path (result));
    }

  if (!sn_restore_test_result_get_passed (result))
    {
      g_set_error_literal (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED, sn_restore_test_result_get_summary (result));
      return FALSE;
    }
  return TRUE;
}

static const SnActionInfo restore_test_action = {
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .name = "backup.restore-test",
  .describe = restore_test_describe,
  .run = restore_test_run,
};

void
sn_backup_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&create_action);
      sn_action_register (&safety_action);
      sn_action_register (&prepare_action);
      sn_action_register (&verify_action);
      sn_action_register (&restore_action);
      sn_action_register (&compare_action);
      sn_action_register (&restore_test_action);
      g_once_init_leave (&initialized, 1);
    }
}
