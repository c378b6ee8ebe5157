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
#include "sn-format.h"
#include "sn-host.h"
#include "sn-maintenance-disk.h"
#include "sn-maintenance-npm-fix.h"
#include "sn-maintenance-secrets.h"

/*
 * Disk cleanup. Risks: the survey and the report only read (READ, any
 * profile); the prune, the journal vacuum and the npm cache clean delete what
 * is rebuilt or re-downloaded when needed (CHANGE, operator), never a volume;
 * removing one volume by name is DESTROY (operator, admin for a data
 * volume, and the typed name), checked again by the service in core.
 */

static SnHost *
action_host (SnActionContext  *context,
             GError          **error)
{
  return sn_host_for_action (context, error);
}

static char *
describe_commands (SnActionContext    *context,
                   const char * const *commands)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *line = sn_host_action_describe (context, commands[i]);

      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", line);
    }
  return g_string_free (text, FALSE);
}

static void
set_output_bytes (SnActionContext *context,
                  const char      *key,
                  guint64          bytes)
{
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

  sn_action_context_set_output (context, key, value);
}

static SnDiskSurvey *
survey (SnActionContext  *context,
        const char       *journal_size,
        GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);

  if (host == NULL)
    return NULL;
  return sn_maintenance_disk_survey_sync (host, journal_size, sn_action_context_get_cancellable (context), error);
}

static const char *
journal_size_arg (JsonObject *args)
{
  return json_object_get_string_member_with_default (args, "size", SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE);
}

/* maintenance.disk-survey { "size": "500M" } -------------------------------- */

static char *
survey_describe (SnActionContext *context,
                 JsonObject      *args)
{
  const char *docker_df[] = { "system", "df", "-v", "--format", "{{json .}}", NULL };
  const char *journal[] = { "--disk-usage", NULL };
  g_autofree char *c1 = sn_host_command_docker (docker_df);
  g_autofree char *c2 = sn_host_command_journalctl (journal);
  g_autofree char *c3 = sn_host_command_npm_cache_size ();
  const char *commands[] = { "df -P -B1", c1, c2, c3, NULL };

  return describe_commands (context, commands);
}

static gboolean
survey_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnDiskSurvey) result = survey (context, journal_size_arg (args), error);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (result == NULL)
    return FALSE;

  text = sn_disk_survey_dup_text (result);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", lines[i]);
  set_output_bytes (context, "avail", sn_disk_survey_get_avail (result, "/"));
  set_output_bytes (context, "would-free", sn_disk_survey_get_total_freed (result));
  return TRUE;
}

static const SnActionInfo survey_action = {
  .name = "maintenance.disk-survey",
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .describe = survey_describe,
  .run = survey_run,
};

/* maintenance.docker-prune {} --------------------------------------------- */

static char *
prune_describe (SnActionContext *context,
                JsonObject      *args)
{
  g_auto(GStrv) commands = sn_maintenance_disk_prune_commands (sn_action_context_get_profile (context));

  return describe_commands (context, (const char * const *) commands);
}

static char *
prune_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  g_autoptr(SnDiskSurvey) result = survey (context, NULL, error);

  return result != NULL ? sn_disk_survey_dup_docker_text (result) : NULL;
}

static gboolean
prune_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  g_autofree char *text = NULL;
  guint64 freed = 0;

  if (host == NULL ||
      !sn_maintenance_disk_prune_docker_sync (host, sn_action_context_get_cancellable (context), &freed, error))
    return FALSE;

  text = sn_format_size (freed);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Docker freed %s (no volume was touched)"), text);
  set_output_bytes (context, "freed", freed);
  return TRUE;
}

static const SnActionInfo prune_action = {
  .name = "maintenance.docker-prune",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = prune_describe,
  .impact = prune_impact,
  .run = prune_run,
};

/* maintenance.journal-vacuum { "size": "500M" } ----------------------------- */

static gboolean
vacuum_check (JsonObject  *args,
              GError     **error)
{
  const char *size = sn_action_args_get_string (args, "size", TRUE, error);

  if (size == NULL)
    return FALSE;
  /* An unresolved ${parameter} is checked when it is resolved. */
  if (strstr (size, "${") != NULL)
    return TRUE;
  return sn_maintenance_parse_journal_size (size, NULL, error);
}

static char *
vacuum_describe (SnActionContext *context,
                 JsonObject      *args)
{
  g_autofree char *command = sn_maintenance_disk_vacuum_command (journal_size_arg (args));

  return command != NULL ? sn_host_action_describe (context, command) : NULL;
}

static char *
vacuum_impact (SnActionContext  *context,
               JsonObject       *args,
               GError          **error)
{
  g_autoptr(SnDiskSurvey) result = survey (context, journal_size_arg (args), error);
  g_autofree char *usage = NULL;
  g_autofree char *freed = NULL;

  if (result == NULL)
    return NULL;
  usage = sn_format_size (sn_disk_survey_get_journal_usage (result));
  freed = sn_format_size (sn_disk_survey_get_journal_freed (result));
  return g_strdup_printf (_("The system journal takes %s; keeping %s frees up to %s (archived files only)."),
                          usage, journal_size_arg (args), freed);
}

static gboolean
vacuum_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  g_autofree char *text = NULL;
  const char *size = sn_action_args_get_string (args, "size", TRUE, error);
  guint64 freed = 0;

  if (size == NULL || host == NULL ||
      !sn_maintenance_disk_vacuum_journal_sync (host, size, sn_action_context_get_cancellable (context), &freed,
                                                error))
    return FALSE;

  text = sn_format_size (freed);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("The system journal freed %s"), text);
  set_output_bytes (context, "freed", freed);
  return TRUE;
}

static const SnActionInfo vacuum_action = {
  .name = "maintenance.journal-vacuum",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = vacuum_check,
  .describe = vacuum_describe,
  .impact = vacuum_impact,
  .run = vacuum_run,
};

/* maintenance.npm-cache-clean {} ------------------------------------------- */

static char *
npm_describe (SnActionContext *context,
              JsonObject      *args)
{
  const char *argv[] = { "cache", "clean", "--force", NULL };
  g_autofree char *command = sn_host_command_npm (argv);

  return sn_host_action_describe (context, command);
}

static char *
npm_impact (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnDiskSurvey) result = survey (context, NULL, error);
  g_autofree char *size = NULL;

  if (result == NULL)
    return NULL;
  if (!sn_disk_survey_get_npm_available (result))
    return g_strdup (_("npm is not installed on the host: nothing to clean."));
  size = sn_format_size (sn_disk_survey_get_npm_freed (result));
  return g_strdup_printf (_("The host’s npm cache holds %s; all of it goes."), size);
}

static gboolean
npm_run (SnActionContext  *context,
         JsonObject       *args,
         GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  g_autofree char *text = NULL;
  guint64 freed = 0;

  if (host == NULL ||
      !sn_maintenance_disk_clean_npm_sync (host, sn_action_context_get_cancellable (context), &freed, error))
    return FALSE;

  text = sn_format_size (freed);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("The npm cache freed %s"), text);
  set_output_bytes (context, "freed", freed);
  return TRUE;
}

static const SnActionInfo npm_action = {
  .name = "maintenance.npm-cache-clean",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = npm_describe,
  .impact = npm_impact,
  .run = npm_run,
};

/* maintenance.disk-report { "avail-before": N, "freed": ["N", ...] } ------------ */

static char *
report_describe (SnActionContext *context,
                 JsonObject      *args)
{
  return sn_host_action_describe (context, "df -P -B1");
}

static guint64
bytes_arg (const char *text)
{
  return text != NULL && g_ascii_isdigit (*text) ? g_ascii_strtoull (text, NULL, 10) : 0;
}

static gboolean
report_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnDiskSurvey) after = survey (context, NULL, error);
  g_auto(GStrv) parts = sn_action_args_get_strv (args, "freed", FALSE, NULL);
  guint64 freed = 0, avail_before, avail_after;
  g_autofree char *freed_text = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;

  if (after == NULL)
    return FALSE;
  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    freed += bytes_arg (parts[i]);
  avail_before = bytes_arg (json_object_get_string_member_with_default (args, "avail-before", NULL));
  avail_after = sn_disk_survey_get_avail (after, "/");

  freed_text = sn_format_size (freed);
  before_text = sn_format_size (avail_before);
  after_text = sn_format_size (avail_after);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Freed in all: %s (%llu bytes)"),
                          freed_text, (unsigned long long)freed);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Free space on /: %s before, %s after"),
                          before_text, after_text);
  set_output_bytes (context, "freed", freed);
  set_output_bytes (context, "avail", avail_after);
  return TRUE;
}

static const SnActionInfo report_action = {
  .name = "maintenance.disk-report",
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .describe = report_describe,
  .run = report_run,
};

/* maintenance.volume-remove { "volume": NAME, "confirm": NAME } -------------- */

static gboolean
volume_check (JsonObject  *args,
              GError     **error)
{
  return sn_action_args_get_string (args, "volume", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "confirm", TRUE, error) != NULL;
}

static char *
volume_describe (SnActionContext *context,
                 JsonObject      *args)
{
  const char *argv[] = { "volume", "rm", json_object_get_string_member_with_default (args, "volume", "VOLUME"), NULL };
  g_autofree char *command = sn_host_command_docker (argv);

  return sn_host_action_describe (context, command);
}

static char *
volume_impact (SnActionContext  *context,
               JsonObject       *args,
               GError          **error)
{
  g_autoptr(SnDiskSurvey) result = survey (context, NULL, error);
  const char *name = json_object_get_string_member_with_default (args, "volume", "");
  GListModel *volumes;

  if (result == NULL)
    return NULL;
  volumes = sn_disk_survey_get_volumes (result);
  for (guint i = 0; i < g_list_model_get_n_items (volumes); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (volumes, i);

      if (g_str_equal (sn_disk_item_get_name (item), name))
        return g_strdup_printf (_("The volume %s (%s) and everything in it are deleted for good. %s"), name,
                                sn_disk_item_get_size_text (item), sn_disk_item_get_fate (item));
    }
  return g_strdup_printf (_("There is no volume “%s” on the host."), name);
}

static gboolean
volume_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  const char *volume = json_object_get_string_member_with_default (args, "volume", NULL);
  const char *confirm = json_object_get_string_member_with_default (args, "confirm", NULL);

  if (host == NULL ||
      !sn_maintenance_disk_remove_volume_sync (host, volume, confirm, sn_action_context_get_cancellable (context),
                                               error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("The volume %s was removed"), volume);
  return TRUE;
}

static const SnActionInfo volume_action = {
  .name = "maintenance.volume-remove",
  .risk = sn_action_risk_destroy,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = volume_check,
  .describe = volume_describe,
  .impact = volume_impact,
  .run = volume_run,
};

/* ------------------------------------------------------------------------ */
/* npm audit fix (runbook npm-audit-fix)                                    */

/*
 * maintenance.npm-audit     READ, read-only: npm audit in the host checkout,
 *   with the count before when given ("6 → 2").
 * maintenance.npm-backup    CHANGE, operator: package.json and
 *   package-lock.json copied to FILE.STAMP.bak; its revert is
 *   maintenance.npm-restore.
 * maintenance.npm-audit-fix CHANGE, operator: npm audit fix, never --force.
 * maintenance.npm-rebuild   CHANGE, operator: up -d --build app, then the
 *   site must answer.
 * maintenance.npm-restore   CHANGE, operator: both files back, rebuild,
 *   the site must answer again.
 */

static void
on_npm_line (const char *line,
             gboolean    is_stderr,
             gpointer    user_data)
{
  sn_action_context_emit (user_data, is_stderr ? SN_OUTPUT_STDERR : SN_OUTPUT_STDOUT, "%s", line);
}

static char *
npm_checkout_describe (SnActionContext    *context,
                       const char * const *argv)
{
  g_autofree char *command = sn_host_command_npm_in_checkout (sn_action_context_get_profile (context), argv);

  return sn_host_action_describe (context, command);
}

/* maintenance.npm-audit { "before": N } ------------------------------------- */

static char *
npm_audit_describe (SnActionContext *context,
                    JsonObject      *args)
{
  static const char * const argv[] = { "audit", "--json", NULL };

  return npm_checkout_describe (context, argv);
}

static gboolean
npm_audit_run (SnActionContext  *context,
               JsonObject       *args,
               GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  g_autoptr(SnDependencyAudit) audit = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *total = NULL;
  const char *before = json_object_get_string_member_with_default (args, "before", NULL);

  if (host == NULL ||
      !(audit = sn_maintenance_npm_audit_checkout_sync (host, sn_action_context_get_cancellable (context), error)))
    return FALSE;

  summary = sn_dependency_audit_dup_summary (audit);
  if (before != NULL && g_ascii_isdigit (*before))
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Vulnerabilities: %s before, %u after (%s)"),
                            before, sn_dependency_audit_get_total (audit), summary);
  else
    sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("Vulnerabilities: %u (%s)"),
                            sn_dependency_audit_get_total (audit), summary);
  total = g_strdup_printf ("%u", sn_dependency_audit_get_total (audit));
  sn_action_context_set_output (context, "total", total);
  return TRUE;
}

static const SnActionInfo npm_audit_action = {
  .name = "maintenance.npm-audit",
  .risk = sn_action_risk_read,
  .min_level = SN_SAFETY_LEVEL_READ_ONLY,
  .describe = npm_audit_describe,
  .run = npm_audit_run,
};

/* maintenance.npm-backup {} --------------------------------------------------- */

static char *
npm_stamp (SnActionContext *context)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y%m%dT%H%M%SZ");
}

static char *
npm_backup_describe (SnActionContext *context,
                     JsonObject      *args)
{
  g_autofree char *stamp = npm_stamp (context);
  g_autofree char *command = sn_host_command_npm_files_backup (sn_action_context_get_profile (context), stamp);

  return sn_host_action_describe (context, command);
}

static gboolean
npm_backup_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  g_autofree char *stamp = npm_stamp (context);

  if (host == NULL ||
      !sn_maintenance_npm_backup_sync (host, stamp, sn_action_context_get_cancellable (context), error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT,
                          _("Backed up: package.json.%s.bak and package-lock.json.%s.bak"), stamp, stamp);
  sn_action_context_set_output (context, "stamp", stamp);
  return TRUE;
}

static const SnActionInfo npm_backup_action = {
  .name = "maintenance.npm-backup",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = npm_backup_describe,
  .run = npm_backup_run,
};

/* maintenance.npm-audit-fix {} ------------------------------------------------ */

static char *
npm_fix_describe (SnActionContext *context,
                  JsonObject      *args)
{
  static const char * const argv[] = { "audit", "fix", NULL };

  return npm_checkout_describe (context, argv);
}

static char *
npm_fix_impact (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  return g_strdup (_("npm updates the vulnerable packages to fixed versions within the ranges package.json "
                     "allows (never --force, so no major version); package.json and package-lock.json of "
                     "the checkout change. The running app changes only with the rebuild that follows."));
}

static gboolean
npm_fix_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);

  return host != NULL &&
         sn_maintenance_npm_fix_sync (host, on_npm_line, context, sn_action_context_get_cancellable (context),
                                      error);
}

static const SnActionInfo npm_fix_action = {
  .name = "maintenance.npm-audit-fix",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = npm_fix_describe,
  .impact = npm_fix_impact,
  .run = npm_fix_run,
};

/* maintenance.npm-update-prisma {} ----------------------------------------------- */

static char *
npm_prisma_describe (SnActionContext *context,
                     JsonObject      *args)
{
  static const char * const argv[] = { "update", "@prisma/client", "prisma", NULL };

  return npm_checkout_describe (context, argv);
}

static char *
npm_prisma_impact (SnActionContext  *context,
                   JsonObject       *args,
                   GError          **error)
{
  return g_strdup (_("npm updates Prisma and its client to the newest versions package.json allows; "
                     "package-lock.json of the checkout changes. The client is generated by the image's "
                     "build (prisma generate && next build): the rebuild that follows makes it."));
}

static gboolean
npm_prisma_run (SnActionContext  *context,
                JsonObject       *args,
                GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);

  return host != NULL &&
         sn_maintenance_npm_update_prisma_sync (host, on_npm_line, context,
                                                sn_action_context_get_cancellable (context), error);
}

static const SnActionInfo npm_prisma_action = {
  .name = "maintenance.npm-update-prisma",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = npm_prisma_describe,
  .impact = npm_prisma_impact,
  .run = npm_prisma_run,
};

/* maintenance.npm-rebuild {} ---------------------------------------------------- */

static char *
npm_rebuild_describe (SnActionContext *context,
                      JsonObject      *args)
{
  static const char * const up[] = { "up", "-d", "--build", "app", NULL };
  g_autofree char *command = sn_host_command_compose (sn_action_context_get_profile (context), up);

  return sn_host_action_describe (context, command);
}

static char *
npm_rebuild_impact (SnActionContext  *context,
                    JsonObject       *args,
                    GError          **error)
{
  return g_strdup (_("Builds the app image from the checkout (CPU and disk heavy for a few minutes), then "
                     "recreates the app container: a few seconds without service. The site must answer "
                     "within a minute."));
}

static gboolean
npm_rebuild_run (SnActionContext  *context,
                 JsonObject       *args,
                 GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);

  if (host == NULL ||
      !sn_maintenance_npm_rebuild_sync (host, on_npm_line, context, sn_action_context_get_cancellable (context),
                                        error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("The app was rebuilt and the site answers."));
  return TRUE;
}

static const SnActionInfo npm_rebuild_action = {
  .name = "maintenance.npm-rebuild",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .describe = npm_rebuild_describe,
  .impact = npm_rebuild_impact,
  .run = npm_rebuild_run,
};

/* maintenance.npm-restore { "stamp": STAMP } ---------------------------------- */

static gboolean
npm_restore_check (JsonObject  *args,
                   GError     **error)
{
  return sn_action_args_get_string (args, "stamp", TRUE, error) != NULL;
}

static char *
npm_restore_describe (SnActionContext *context,
                      JsonObject      *args)
{
  const char *stamp = json_object_get_string_member_with_default (args, "stamp", "");
  g_autofree char *command = sn_host_command_npm_files_restore (sn_action_context_get_profile (context), stamp);
  g_autofree char *restore = NULL;
  g_autofree char *rebuild = npm_rebuild_describe (context, args);

  /* Before the run the backup's stamp is not known yet. */
  if (command == NULL)
    command = sn_host_command_npm_files_restore (sn_action_context_get_profile (context), "STAMP");
  restore = sn_host_action_describe (context, command);

  return g_strdup_printf ("%s\n%s", restore, rebuild);
}

static gboolean
npm_restore_run (SnActionContext  *context,
                 JsonObject       *args,
                 GError          **error)
{
  g_autoptr(SnHost) host = action_host (context, error);
  const char *stamp = json_object_get_string_member_with_default (args, "stamp", NULL);
  GCancellable *cancellable = sn_action_context_get_cancellable (context);

  if (host == NULL || !sn_maintenance_npm_restore_sync (host, stamp, cancellable, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT,
                          _("package.json and package-lock.json were put back from their %s backups; "
                            "rebuilding the app with them."), stamp);
  /* Putting the files back is not enough: the app built from them must answer. */
  if (!sn_maintenance_npm_rebuild_sync (host, on_npm_line, context, cancellable, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, _("The app was rebuilt and the site answers."));
  return TRUE;
}

static const SnActionInfo npm_restore_action = {
  .name = "maintenance.npm-restore",
  .risk = sn_action_risk_change,
  .min_level = SN_SAFETY_LEVEL_OPERATOR,
  .check = npm_restore_check,
  .describe = npm_restore_describe,
  .impact = npm_rebuild_impact,
  .run = npm_restore_run,
};

/**
 * sn_maintenance_disk_actions_register:
 *
 * Registers maintenance.disk-survey, maintenance.docker-prune,
 * maintenance.journal-vacuum, maintenance.npm-cache-clean,
 * maintenance.disk-report and maintenance.volume-remove, and npm audit
 * fix's maintenance.npm-audit, npm-backup, npm-audit-fix, npm-rebuild and
 * npm-restore.
 */
void
sn_maintenance_disk_actions_register (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      sn_action_register (&survey_action);
      sn_action_register (&prune_action);
      sn_action_register (&vacuum_action);
      sn_action_register (&npm_action);
      sn_action_register (&report_action);
      sn_action_register (&volume_action);
      sn_action_register (&npm_audit_action);
      sn_action_register (&npm_backup_action);
      sn_action_register (&npm_fix_action);
      sn_action_register (&npm_prisma_action);
      sn_action_register (&npm_rebuild_action);
      sn_action_register (&npm_restore_action);
      g_once_init_leave (&initialized, 1);
    }
}

/* ------------------------------------------------------------------------ */
/* The login secret                                                         */

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
