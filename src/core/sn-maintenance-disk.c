/* sn-maintenance-disk.c: disk cleanup on the host without data loss
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The runbook's `docker system prune -a --volumes` would delete the database
 * volume of a stopped db container (target-system.md §1.1). Here the prune is
 * three commands that cannot touch a volume (no --volumes anywhere), and that
 * keep the stack's own stopped containers (and so their images); volumes are
 * only removed one by one, by name, typed by the person.
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-await.h"
#include "sn-maintenance-disk-private.h"

#define TIMEOUT_MS        (60 * 1000)
#define PRUNE_TIMEOUT_MS  (30 * 60 * 1000)

static const char * const docker_df_argv[] = {
  "system", "df", "-v", "--format", "{{json .}}", NULL
};
static const char * const journal_usage_argv[] = { "--disk-usage", NULL };
static const char * const npm_clean_argv[] = { "cache", "clean", "--force", NULL };

static SnProfile *
host_profile (SnHost *host)
{
  return sn_ssh_session_get_profile (sn_host_get_session (host));
}

/* The compose project: the deploy directory's name, as compose names it. */
static char *
compose_project (SnProfile *profile)
{
  const char *path = sn_profile_get_deploy_path (profile);
  g_autofree char *base = g_path_get_basename (path != NULL && *path != '\0' ? path : SN_HOST_DEFAULT_DEPLOY_PATH);
  g_autofree char *lower = g_ascii_strdown (base, -1);
  GString *name = g_string_new (NULL);

  for (const char *p = lower; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
      g_string_append_c (name, *p);
  return g_string_free (name, FALSE);
}

/**
 * sn_maintenance_disk_prune_commands:
 *
 * The prune, in the order it runs: stopped containers that are not the
 * stack's, then images no container uses, then the build cache. None of
 * them removes a volume.
 *
 * Returns: (transfer full): the commands, NULL-terminated
 */
char **
sn_maintenance_disk_prune_commands (SnProfile *profile)
{
  g_autofree char *project = compose_project (profile);
  g_autofree char *filter = g_strdup_printf ("label!=com.docker.compose.project=%s", project);
  const char *containers[] = { "container", "prune", "--force", "--filter", filter, NULL };
  const char *images[] = { "image", "prune", "--all", "--force", NULL };
  const char *cache[] = { "builder", "prune", "--all", "--force", NULL };
  char **commands = g_new0 (char *, 4);

  commands[0] = sn_host_command_docker (containers);
  commands[1] = sn_host_command_docker (images);
  commands[2] = sn_host_command_docker (cache);
  for (guint i = 0; commands[i] != NULL; i++)
    g_assert (strstr (commands[i], "--volumes") == NULL);
  return commands;
}

/**
 * sn_maintenance_disk_vacuum_command:
 * @size: a size sn_maintenance_parse_journal_size() accepts
 *
 * Returns: (transfer full): "journalctl --vacuum-size=SIZE", or %NULL for a bad size
 */
char *
sn_maintenance_disk_vacuum_command (const char *size)
{
  g_autofree char *arg = NULL;
  const char *argv[2] = { NULL, NULL };

  if (!sn_maintenance_parse_journal_size (size, NULL, NULL))
    return NULL;
  arg = g_strdup_printf ("--vacuum-size=%s", size);
  argv[0] = arg;
  return sn_host_command_journalctl (argv);
}

/* Runs @command; its stdout, or NULL with @error. With @allowed_status >= 0,
 * that exit status is no error either: *status says which it was. */
static char *
run_text (SnHost        *host,
          const char    *action,
          const char    *command,
          guint          timeout_ms,
          int            allowed_status,
          int           *status,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(SnSshExecResult) result = NULL;
  int exit_status;

  result = sn_host_exec_sync (host, action, command, NULL, timeout_ms, NULL, NULL, cancellable, error);
  if (result == NULL)
    return NULL;
  exit_status = sn_ssh_exec_result_get_exit_status (result);
  if (status != NULL)
    *status = exit_status;
  if (!sn_ssh_exec_result_get_success (result) && exit_status != allowed_status)
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);

      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_FAILED,
                   _("“%s” failed on the host (exit status %d): %s"), command, exit_status,
                   err != NULL && *g_strstrip (err) != '\0' ? err : _("no message"));
      return NULL;
    }
  return sn_ssh_exec_result_dup_stdout_text (result);
}

static GListModel *
disk_usage_sync (SnHost        *host,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  sn_await_push_private (&await);
  sn_host_disk_usage_async (host, cancellable, sn_await_callback, &await);
  return sn_host_disk_usage_finish (host, sn_await_result (&await), error);
}

static char *
docker_df_text (SnHost        *host,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *command = sn_host_command_docker (docker_df_argv);

  return run_text (host, "maintenance.docker-df", command, TIMEOUT_MS, -1, NULL, cancellable, error);
}

/* `journalctl --disk-usage`; NULL (no error) when the host has no journalctl. */
static gboolean
journal_text (SnHost        *host,
              char         **text,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *command = sn_host_command_journalctl (journal_usage_argv);
  int status = 0;

  *text = run_text (host, "maintenance.journal-usage", command, TIMEOUT_MS, 127, &status, cancellable, error);
  if (*text != NULL && status == 127)
    g_clear_pointer (text, g_free);
  return *text != NULL || status == 127;
}

static gboolean
npm_text (SnHost        *host,
          char         **text,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *command = sn_host_command_npm_cache_size ();
  int status = 0;

  *text = run_text (host, "maintenance.npm-cache-size", command, TIMEOUT_MS, 127, &status, cancellable, error);
  if (*text != NULL && status == 127)
    g_clear_pointer (text, g_free);
  return *text != NULL || status == 127;
}

/**
 * sn_maintenance_disk_survey_sync:
 * @journal_size: (nullable): the size the journal would be vacuumed to, %NULL for 500M
 *
 * The dry run, read-only: df, `docker system df -v`, `journalctl
 * --disk-usage` and the npm cache's size. For worker threads.
 */
SnDiskSurvey *
sn_maintenance_disk_survey_sync (SnHost        *host,
                                 const char    *journal_size,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GListModel) filesystems = NULL;
  g_autofree char *docker = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *npm = NULL;
  g_autofree char *project = NULL;
  g_autoptr(SnDiskSurvey) survey = NULL;
  guint64 limit = 0;

  g_return_val_if_fail (SN_IS_HOST (host), NULL);

  if (!sn_maintenance_parse_journal_size (journal_size != NULL ? journal_size : SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE,
                                          &limit, error))
    return NULL;
  if (!(filesystems = disk_usage_sync (host, cancellable, error)) ||
      !(docker = docker_df_text (host, cancellable, error)) ||
      !journal_text (host, &journal, cancellable, error) ||
      !npm_text (host, &npm, cancellable, error))
    return NULL;

  project = compose_project (host_profile (host));
  if (!(survey = sn_maintenance_parse_survey (docker, journal, npm, project, limit, error)))
    return NULL;
  _sn_disk_survey_set_filesystems (survey, filesystems);
  return g_steal_pointer (&survey);
}

static void
survey_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  SnDiskSurvey *survey = sn_maintenance_disk_survey_sync (source, task_data, cancellable, &error);

  if (survey != NULL)
    g_task_return_pointer (task, survey, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * sn_maintenance_disk_survey_async:
 * @journal_size: (nullable): see sn_maintenance_disk_survey_sync()
 */
void
sn_maintenance_disk_survey_async (SnHost              *host,
                                  const char          *journal_size,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_disk_survey_async);
  g_task_set_task_data (task, g_strdup (journal_size), g_free);
  g_task_run_in_thread (task, survey_thread);
}

/**
 * sn_maintenance_disk_survey_finish:
 *
 * Returns: (transfer full): the dry run, or %NULL with @error
 */
SnDiskSurvey *
sn_maintenance_disk_survey_finish (SnHost        *host,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_disk_survey_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Changes ---------------------------------------------------------------- */

static gboolean
docker_total (SnHost        *host,
              guint64       *total,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *text = docker_df_text (host, cancellable, error);
  g_autoptr(SnDiskSurvey) survey = NULL;

  if (text == NULL ||
      !(survey = sn_maintenance_parse_survey (text, NULL, NULL, "", SN_MAINTENANCE_JOURNAL_MIN_BYTES, error)))
    return FALSE;
  *total = survey->docker_total;
  return TRUE;
}

static guint64
difference (guint64 before,
            guint64 after)
{
  return before > after ? before - after : 0;
}

/**
 * sn_maintenance_disk_prune_docker_sync:
 * @freed: (out) (optional): the bytes Docker holds less afterwards
 *
 * Runs sn_maintenance_disk_prune_commands(), after checking the profile is
 * at least an operator, and measures `docker system df -v` before and after.
 */
gboolean
sn_maintenance_disk_prune_docker_sync (SnHost        *host,
                                       GCancellable  *cancellable,
                                       guint64       *freed,
                                       GError       **error)
{
  g_auto(GStrv) commands = NULL;
  guint64 before = 0, after = 0;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, _("prune Docker"), error))
    return FALSE;
  if (!docker_total (host, &before, cancellable, error))
    return FALSE;

  commands = sn_maintenance_disk_prune_commands (host_profile (host));
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *out = run_text (host, "maintenance.docker-prune", commands[i], PRUNE_TIMEOUT_MS, -1, NULL,
                                       cancellable, error);

      if (out == NULL)
        return FALSE;
    }

  if (!docker_total (host, &after, cancellable, error))
    return FALSE;
  if (freed != NULL)
    *freed = difference (before, after);
  return TRUE;
}

static gboolean
journal_usage (SnHost        *host,
               guint64       *usage,
               gboolean      *present,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *text = NULL;
  g_autoptr(SnDiskSurvey) survey = NULL;

  if (!journal_text (host, &text, cancellable, error))
    return FALSE;
  *present = text != NULL;
  survey = sn_maintenance_parse_survey ("{}", text, NULL, "", SN_MAINTENANCE_JOURNAL_MIN_BYTES, error);
  if (survey == NULL)
    return FALSE;
  *usage = survey->journal_usage;
  return TRUE;
}

/**
 * sn_maintenance_disk_vacuum_journal_sync:
 * @size: what to keep ("500M"), validated by sn_maintenance_parse_journal_size()
 * @freed: (out) (optional): the bytes `journalctl --disk-usage` reports less afterwards
 */
gboolean
sn_maintenance_disk_vacuum_journal_sync (SnHost        *host,
                                         const char    *size,
                                         GCancellable  *cancellable,
                                         guint64       *freed,
                                         GError       **error)
{
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  guint64 before = 0, after = 0;
  gboolean present = FALSE;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, _("vacuum the system journal"),
                               error) ||
      !sn_maintenance_parse_journal_size (size, NULL, error))
    return FALSE;
  if (!journal_usage (host, &before, &present, cancellable, error))
    return FALSE;
  if (freed != NULL)
    *freed = 0;
  if (!present)
    return TRUE;

  command = sn_maintenance_disk_vacuum_command (size);
  if (!(out = run_text (host, "maintenance.journal-vacuum", command, PRUNE_TIMEOUT_MS, -1, NULL, cancellable, error)) ||
      !journal_usage (host, &after, &present, cancellable, error))
    return FALSE;
  if (freed != NULL)
    *freed = difference (before, after);
  return TRUE;
}

static gboolean
npm_bytes (SnHost        *host,
           guint64       *bytes,
           gboolean      *present,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *text = NULL;

  if (!npm_text (host, &text, cancellable, error))
    return FALSE;
  *present = text != NULL;
  *bytes = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;
  return TRUE;
}

/**
 * sn_maintenance_disk_clean_npm_sync:
 * @freed: (out) (optional): the bytes the npm cache holds less afterwards
 *
 * `npm cache clean --force` on the host; nothing (and no error) when the
 * host has no npm.
 */
gboolean
sn_maintenance_disk_clean_npm_sync (SnHost        *host,
                                    GCancellable  *cancellable,
                                    guint64       *freed,
                                    GError       **error)
{
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  guint64 before = 0, after = 0;
  gboolean present = FALSE;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, _("clean the npm cache"), error))
    return FALSE;
  if (!npm_bytes (host, &before, &present, cancellable, error))
    return FALSE;
  if (freed != NULL)
    *freed = 0;
  if (!present)
    return TRUE;

  command = sn_host_command_npm (npm_clean_argv);
  if (!(out = run_text (host, "maintenance.npm-cache-clean", command, PRUNE_TIMEOUT_MS, -1, NULL, cancellable,
                        error)) ||
      !npm_bytes (host, &after, &present, cancellable, error))
    return FALSE;
  if (freed != NULL)
    *freed = difference (before, after);
  return TRUE;
}

static guint64
root_avail (GListModel *filesystems)
{
  g_autoptr(SnDiskSurvey) survey = g_object_new (SN_TYPE_DISK_SURVEY, NULL);

  _sn_disk_survey_set_filesystems (survey, filesystems);
  return sn_disk_survey_get_avail (survey, "/");
}

static void
clean_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SnHost *host = source;
  SnDiskCleanResult *result = g_new0 (SnDiskCleanResult, 1);
  g_autoptr(GListModel) before = NULL;
  g_autoptr(GListModel) after = NULL;
  GError *error = NULL;

  if (!sn_profile_check_level (host_profile (host), SN_SAFETY_LEVEL_OPERATOR, _("clean up the disk"), &error) ||
      !(before = disk_usage_sync (host, cancellable, &error)) ||
      !sn_maintenance_disk_prune_docker_sync (host, cancellable, &result->docker_freed, &error) ||
      !sn_maintenance_disk_vacuum_journal_sync (host, task_data, cancellable, &result->journal_freed, &error) ||
      !sn_maintenance_disk_clean_npm_sync (host, cancellable, &result->npm_freed, &error) ||
      !(after = disk_usage_sync (host, cancellable, &error)))
    {
      g_free (result);
      g_task_return_error (task, error);
      return;
    }
  result->avail_before = root_avail (before);
  result->avail_after = root_avail (after);
  g_task_return_pointer (task, result, g_free);
}

/**
 * sn_maintenance_disk_clean_async:
 * @journal_size: (nullable): what the journal keeps, %NULL for 500M
 *
 * The whole cleanup: df, the prune, the journal vacuum, the npm cache, df.
 * Refused in core below the operator level.
 */
void
sn_maintenance_disk_clean_async (SnHost              *host,
                                 const char          *journal_size,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_disk_clean_async);
  g_task_set_task_data (task, g_strdup (journal_size != NULL ? journal_size : SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE),
                        g_free);
  g_task_run_in_thread (task, clean_thread);
}

gboolean
sn_maintenance_disk_clean_finish (SnHost             *host,
                                  GAsyncResult       *result,
                                  SnDiskCleanResult  *out_result,
                                  GError            **error)
{
  g_autofree SnDiskCleanResult *value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, host), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_disk_clean_async, FALSE);

  if (!(value = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;
  if (out_result != NULL)
    *out_result = *value;
  return TRUE;
}

/* One volume ------------------------------------------------------------- */

static SnDiskItem *
find_volume (SnDiskSurvey *survey,
             const char   *name)
{
  GListModel *volumes = sn_disk_survey_get_volumes (survey);

  for (guint i = 0; i < g_list_model_get_n_items (volumes); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (volumes, i);

      if (g_str_equal (sn_disk_item_get_name (item), name))
        return g_steal_pointer (&item);
    }
  return NULL;
}

/**
 * sn_maintenance_disk_remove_volume_sync:
 * @volume: the volume's name, as `docker system df -v` lists it
 * @typed_name: what the person typed to confirm: @volume exactly
 *
 * `docker volume rm VOLUME`, refused here unless the name was typed, the
 * profile is an operator (an admin for a data volume) and no container
 * uses the volume.
 */
gboolean
sn_maintenance_disk_remove_volume_sync (SnHost        *host,
                                        const char    *volume,
                                        const char    *typed_name,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  g_autofree char *text = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autoptr(SnDiskSurvey) survey = NULL;
  g_autoptr(SnDiskItem) item = NULL;
  const char *argv[] = { "volume", "rm", volume, NULL };
  gboolean data;

  g_return_val_if_fail (SN_IS_HOST (host), FALSE);

  if (volume == NULL || *volume == '\0')
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_INVALID,
                   _("Pick the volume to remove; nothing was removed."));
      return FALSE;
    }
  data = sn_maintenance_volume_is_data (volume);
  if (!sn_profile_check_level (host_profile (host), data ? SN_SAFETY_LEVEL_ADMIN : SN_SAFETY_LEVEL_OPERATOR,
                               data ? _("remove a volume that holds the site’s data") : _("remove a Docker volume"),
                               error))
    return FALSE;
  if (g_strcmp0 (typed_name, volume) != 0)
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_CONFIRM,
                   _("To remove the volume “%s”, type its name exactly; nothing was removed."), volume);
      return FALSE;
    }

  if (!(text = docker_df_text (host, cancellable, error)) ||
      !(survey = sn_maintenance_parse_survey (text, NULL, NULL, "", SN_MAINTENANCE_JOURNAL_MIN_BYTES, error)))
    return FALSE;
  if (!(item = find_volume (survey, volume)))
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_INVALID,
                   _("There is no volume “%s” on the host; nothing was removed."), volume);
      return FALSE;
    }
  if (sn_disk_item_get_links (item) > 0)
    {
      g_set_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_IN_USE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%u container still uses the volume “%s”: remove that container first; "
                                "nothing was removed.",
                                "%u containers still use the volume “%s”: remove them first; "
                                "nothing was removed.", sn_disk_item_get_links (item)),
                   sn_disk_item_get_links (item), volume);
      return FALSE;
    }

  command = sn_host_command_docker (argv);
  out = run_text (host, "maintenance.volume-rm", command, TIMEOUT_MS, -1, NULL, cancellable, error);
  return out != NULL;
}

typedef struct
{
  char *volume;
  char *typed_name;
} RemoveData;

static void
remove_data_free (gpointer data)
{
  RemoveData *remove = data;

  g_free (remove->volume);
  g_free (remove->typed_name);
  g_free (remove);
}

static void
remove_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RemoveData *remove = task_data;
  GError *error = NULL;

  if (sn_maintenance_disk_remove_volume_sync (source, remove->volume, remove->typed_name, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sn_maintenance_disk_remove_volume_async (SnHost              *host,
                                         const char          *volume,
                                         const char          *typed_name,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RemoveData *remove = g_new0 (RemoveData, 1);

  g_return_if_fail (SN_IS_HOST (host));

  remove->volume = g_strdup (volume);
  remove->typed_name = g_strdup (typed_name);
  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_disk_remove_volume_async);
  g_task_set_task_data (task, remove, remove_data_free);
  g_task_run_in_thread (task, remove_thread);
}

gboolean
sn_maintenance_disk_remove_volume_finish (SnHost        *host,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_disk_remove_volume_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
