/* sn-backup-service.c: the backup service object, its host calls and its async forms
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sn-audit-log.h"
#include "sn-await.h"
#include "sn-backup-service-private.h"
#include "sn-host.h"
#include "sn-reports.h"

#define STAGE_SUBDIR          SN_BACKUP_STAGE_SUBDIR
#define COMMAND_TIMEOUT_MS    (30 * 60 * 1000)
#define UPLOAD_CHUNK          (16 * 1024)

G_DEFINE_QUARK (sn-backup-error-quark, sn_backup_error)

/* The row counts of every table of the public schema, exactly, in one
 * read-only statement (query_to_xml runs the count per table). */
#define COUNT_ROWS_SQL \
  "SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', " \
  "n.nspname, c.relname), false, true, '')))[1]::text::bigint " \
  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
  "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SnBackupService, sn_backup_service, G_TYPE_OBJECT)

typedef struct
{
  SnBackupService *service;
  char            *operation;
  guint64          done;
  guint64          total;
  double           rate;
  gint64           eta;
} Progress;

static gboolean
emit_progress (gpointer data)
{
  Progress *progress = data;

  g_signal_emit (progress->service, signals[PROGRESS], 0, progress->operation,
                 progress->done, progress->total, progress->rate, progress->eta);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->service);
  g_free (progress->operation);
  g_free (progress);
}

void
_sn_backup_report_progress (SnBackupService *self,
                 const char      *operation,
                 guint64          done,
                 guint64          total,
                 gint64           started_us)
{
  Progress *progress = g_new0 (Progress, 1);
  gint64 elapsed = g_get_monotonic_time () - started_us;

  progress->service = g_object_ref (self);
  progress->operation = g_strdup (operation);
  progress->done = done;
  progress->total = total;
  progress->rate = elapsed > 0 ? done / (elapsed / (double)G_USEC_PER_SEC) : 0;
  progress->eta = total > done && progress->rate > 0 ? (gint64)((total - done) / progress->rate) : -1;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_progress, progress, progress_free);
}

/* The object ------------------------------------------------------------ */

static void
sn_backup_service_finalize (GObject *object)
{
  SnBackupService *self = (SnBackupService *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->host);
  g_clear_object (&self->session);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_object (&self->audit);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->stale, g_ptr_array_unref);
  g_mutex_clear (&self->stale_lock);
  g_clear_pointer (&self->bucket, g_free);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->mc_alias, g_free);

  G_OBJECT_CLASS (sn_backup_service_parent_class)->finalize (object);
}

static void
sn_backup_service_class_init (SnBackupServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_backup_service_finalize;

  /**
   * SnBackupService::progress:
   * @self: the service
   * @operation: "create", "download", "upload"
   * @done: bytes so far
   * @total: expected bytes (an estimate for create), or 0
   * @rate: bytes per second since the start
   * @eta: seconds left, or -1
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64,
                  G_TYPE_DOUBLE, G_TYPE_INT64);
}

static void
sn_backup_service_init (SnBackupService *self)
{
  g_autofree char *audit_path = sn_audit_log_default_path ();

  g_mutex_init (&self->stale_lock);
  self->stale = g_ptr_array_new_with_free_func (g_free);
  self->local = g_list_store_new (SN_TYPE_BACKUP);
  self->remote = g_list_store_new (SN_TYPE_BACKUP);
  self->context = g_main_context_ref_thread_default ();
  self->audit = sn_audit_log_new (audit_path);
  self->bucket = g_strdup (SN_BACKUP_DEFAULT_BUCKET);
  self->prefix = g_strdup (SN_BACKUP_DEFAULT_PREFIX);
  self->mc_alias = g_strdup (SN_BACKUP_DEFAULT_MC_ALIAS);
  self->min_size = SN_BACKUP_DEFAULT_MIN_SIZE;
}

SnBackupService *
sn_backup_service_new (SnProfile    *profile,
                       SnSshSession *session)
{
  SnBackupService *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);

  self = g_object_new (SN_TYPE_BACKUP_SERVICE, NULL);
  self->profile = g_object_ref (profile);
  self->session = g_object_ref (session);
  self->host = sn_host_new (session, self->audit);
  self->directory = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "backups",
                                      sn_profile_get_name (profile), NULL);
  return self;
}

SnProfile *
sn_backup_service_get_profile (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return self->profile;
}

SnSshSession *
sn_backup_service_get_session (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return self->session;
}

#define STRING_PROPERTY(field)                                           \
  const char *                                                            \
  sn_backup_service_get_##field (SnBackupService *self)                   \
  {                                                                       \
    g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);             \
    return self->field;                                                   \
  }

STRING_PROPERTY (directory)
STRING_PROPERTY (bucket)
STRING_PROPERTY (prefix)
STRING_PROPERTY (mc_alias)

void
sn_backup_service_set_directory (SnBackupService *self,
                                 const char      *directory)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (directory != NULL);
  g_free (self->directory);
  self->directory = g_strdup (directory);
}

void
sn_backup_service_set_bucket (SnBackupService *self,
                              const char      *bucket)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->bucket);
  self->bucket = g_strdup (bucket != NULL && *bucket != '\0' ? bucket : SN_BACKUP_DEFAULT_BUCKET);
}

void
sn_backup_service_set_prefix (SnBackupService *self,
                              const char      *prefix)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->prefix);
  if (prefix == NULL)
    self->prefix = g_strdup (SN_BACKUP_DEFAULT_PREFIX);
  else if (*prefix != '\0' && !g_str_has_suffix (prefix, "/"))
    self->prefix = g_strconcat (prefix, "/", NULL);
  else
    self->prefix = g_strdup (prefix);
}

void
sn_backup_service_set_mc_alias (SnBackupService *self,
                                const char      *alias)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->mc_alias);
  self->mc_alias = g_strdup (alias != NULL && *alias != '\0' ? alias : SN_BACKUP_DEFAULT_MC_ALIAS);
}

guint64
sn_backup_service_get_min_size (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), 0);
  return self->min_size;
}

void
sn_backup_service_set_min_size (SnBackupService *self,
                                guint64          bytes)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  self->min_size = bytes;
}

void
sn_backup_service_set_write_limit (SnBackupService *self,
                                   guint64          bytes)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  self->write_limit = bytes;
}

GListModel *
sn_backup_service_get_local_backups (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return G_LIST_MODEL (self->local);
}

GListModel *
sn_backup_service_get_remote_backups (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return G_LIST_MODEL (self->remote);
}

/* Shell words and the host ------------------------------------------------ */

char *
sn_backup_service_dup_stage_directory (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return g_build_filename (sn_profile_get_deploy_path (self->profile), STAGE_SUBDIR, NULL);
}

/* Runs @command through the service's SnHost, which audits it as @what. */
SnSshExecResult *
_sn_backup_host_exec (SnBackupService  *self,
           const char       *what,
           const char       *command,
           GOutputStream    *stream,
           guint             timeout_ms,
           GCancellable     *cancellable,
           GError          **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  sn_await_push_private (&await);
  if (stream != NULL)
    sn_host_exec_to_stream_async (self->host, what, command, NULL, stream, timeout_ms, cancellable,
                                  sn_await_callback, &await);
  else
    sn_host_exec_async (self->host, what, command, NULL, timeout_ms, NULL, NULL, NULL, cancellable,
                        sn_await_callback, &await);
  result = sn_host_exec_finish (self->host, sn_await_result (&await), &local_error);
  sn_await_clear (&await);

  if (result == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
          (local_error != NULL && strstr (local_error->message, g_strerror (ENOSPC)) != NULL))
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NO_SPACE,
                     _("The local disk is full (%s): free space in %s and try again."),
                     local_error->message, self->directory);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                     _("%s: the connection to the host failed: %s"), what, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&result);
}

char *
_sn_backup_last_lines (const char *text,
            guint       n)
{
  g_auto(GStrv) lines = g_strsplit (g_strstrip ((char *)text), "\n", -1);
  guint length = g_strv_length (lines);
  guint first = length > n ? length - n : 0;

  return g_strjoinv ("\n", lines + first);
}

/* The lines of @text that say what went wrong (pg_restore and psql print the
 * failing statement after its error); the last @n lines when none does. */
static char *
error_lines (const char *text,
             guint       n)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL && found->len < n; i++)
    if (strstr (lines[i], "error:") != NULL || strstr (lines[i], "FATAL:") != NULL ||
        strstr (lines[i], "ERROR:") != NULL)
      g_ptr_array_add (found, g_strstrip (lines[i]));
  if (found->len == 0)
    return _sn_backup_last_lines (text, n);
  g_ptr_array_add (found, NULL);
  return g_strjoinv ("\n", (char **)found->pdata);
}

/* Runs @command; returns its stdout, or NULL with an error naming @what. */
char *
_sn_backup_host_run (SnBackupService  *self,
          const char       *what,
          const char       *command,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(SnSshExecResult) result = _sn_backup_host_exec (self, what, command, NULL, COMMAND_TIMEOUT_MS,
                                                 cancellable, error);

  if (result == NULL)
    return NULL;

  if (!sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *tail = error_lines (err != NULL ? err : "", 4);

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("%s failed on the host (exit status %d): %s"), what,
                   sn_ssh_exec_result_get_exit_status (result),
                   *tail != '\0' ? tail : _("no message"));
      return NULL;
    }

  return sn_ssh_exec_result_dup_stdout_text (result);
}

static char *
psql_command (SnBackupService *self,
              const char      *database,
              gboolean         read_only,
              const char      *sql)
{
  return sn_backup_service_dup_psql_command (self->profile, database, read_only, sql);
}

char *
_sn_backup_db_query (SnBackupService  *self,
          const char       *database,
          gboolean          read_only,
          const char       *sql,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autofree char *command = psql_command (self, database, read_only, sql);

  return _sn_backup_host_run (self, "backup.psql", command, cancellable, error);
}

GHashTable *
sn_backup_service_count_rows_sync (SnBackupService  *self,
                                   const char       *database,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!(output = _sn_backup_db_query (self, database, TRUE, COUNT_ROWS_SQL, cancellable, error)))
    return NULL;

  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *bar = strrchr (lines[i], '|');
      gint64 *value;

      if (bar == NULL)
        continue;
      value = g_new (gint64, 1);
      *value = g_ascii_strtoll (bar + 1, NULL, 10);
      g_hash_table_insert (counts, g_strndup (lines[i], bar - lines[i]), value);
    }

  return g_steal_pointer (&counts);
}

/* The gate ----------------------------------------------------------------- */

void
sn_backup_service_setup_runner (SnBackupService *self,
                                SnRunner        *runner,
                                const char      *source)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_RUNNER (runner));

  g_object_set_data_full (G_OBJECT (runner), "sn-backup-service", g_object_ref (self), g_object_unref);
  g_object_set_data_full (G_OBJECT (runner), "sn-backup-source", g_strdup (source), g_free);
  sn_runner_set_service (runner, "backup", G_OBJECT (self));
  sn_runner_set_service (runner, "ssh", G_OBJECT (self->session));
  sn_runner_set_gate_func (runner, SN_GATE_BACKUP_VERIFIED, sn_backup_service_gate_func);
}

gboolean
sn_backup_service_gate_func (SnRunner      *runner,
                             SnProfile     *profile,
                             guint          max_age_minutes,
                             char         **evidence,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SnBackupService *self = g_object_get_data (G_OBJECT (runner), "sn-backup-service");
  const char *source = g_object_get_data (G_OBJECT (runner), "sn-backup-source");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SnBackup) safety = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("No backup service for this run: it cannot check the backup."));
      return FALSE;
    }

  if (source != NULL)
    {
      g_autoptr(SnBackup) restored = sn_backup_service_find_sync (self, source, cancellable, &local_error);

      if (restored == NULL || !sn_backup_service_verify_sync (self, restored, cancellable, &local_error))
        {
          g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                       _("The backup to restore is not usable, nothing was changed: %s"),
                       local_error->message);
          return FALSE;
        }
      g_string_append_printf (text, _("Backup to restore %s verified (sha256 %.16s…). "),
                              sn_backup_get_name (restored), sn_backup_get_sha256 (restored));
    }

  safety = sn_backup_service_find_recent (self, source != NULL ? "safety" : NULL, max_age_minutes);
  if (safety == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("No %sbackup of the database %s made in the last %u minutes: make one first "
                     "(narcisse-ctl backup create%s). Nothing was changed."),
                   source != NULL ? _("safety ") : "", sn_profile_get_db_name (profile), max_age_minutes,
                   source != NULL ? " --label safety" : "");
      return FALSE;
    }

  if (!sn_backup_service_verify_sync (self, safety, cancellable, &local_error))
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("The %sbackup %s does not verify, nothing was changed: %s"),
                   source != NULL ? _("safety ") : "", sn_backup_get_name (safety), local_error->message);
      return FALSE;
    }

  {
    JsonObject *manifest = sn_backup_get_manifest (safety);

    g_string_append_printf (text, _("%s backup %s of %s: %llu bytes, %lld"
                                    " minutes old, sha256 %.16s… matches its manifest, pg_restore read its %lld"
                                    " TOC entries and every data block."),
                            source != NULL ? _("Safety") : _("Fresh"), sn_backup_get_name (safety),
                            sn_profile_get_db_name (profile), (unsigned long long) sn_backup_get_size (safety),
                            (long long) (sn_backup_get_age_seconds (safety) / 60), sn_backup_get_sha256 (safety),
                            (long long) json_object_get_int_member_with_default (manifest, "toc_entries", 0));
  }

  if (evidence != NULL)
    *evidence = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

/* Async forms ----------------------------------------------------------------- */

typedef struct
{
  char                *label;
  char                *name;
  SnBackup            *backup;
  SnBackupCreateFlags  flags;
  gboolean             upload;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *task_data = data;

  g_free (task_data->label);
  g_free (task_data->name);
  g_clear_object (&task_data->backup);
  g_free (task_data);
}

/* Runs @thread_func in a worker with @data (owned), after the operator-level
 * check of @what (translated); @what NULL: a read any level may do. */
static void
run_task (SnBackupService     *self,
          gpointer             source_tag,
          const char          *what,
          GTaskThreadFunc      thread_func,
          TaskData            *data,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, task_data_free);
  if (what != NULL && !sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, what, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, thread_func);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnBackup *backup = sn_backup_service_create_sync (source_object, data->label, data->flags, cancellable, &error);

  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
sn_backup_service_create_async (SnBackupService     *self,
                                const char          *label,
                                SnBackupCreateFlags  flags,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  data->label = g_strdup (label);
  data->flags = flags;
  run_task (self, sn_backup_service_create_async, _(WHAT_CREATE), create_thread, data,
            cancellable, callback, user_data);
}

SnBackup *
sn_backup_service_create_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* verify, or upload when data->upload: both answer a boolean. */
static void
check_or_upload_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  if (data->upload)
    ok = sn_backup_service_upload_sync (source_object, data->backup, cancellable, &error);
  else
    ok = sn_backup_service_verify_sync (source_object, data->backup, cancellable, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
check_or_upload_async (SnBackupService     *self,
                       SnBackup            *backup,
                       gboolean             upload,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);

  data->backup = g_object_ref (backup);
  data->upload = upload;
  if (upload)
    run_task (self, sn_backup_service_upload_async, _(WHAT_UPLOAD), check_or_upload_thread, data,
              cancellable, callback, user_data);
  else
    run_task (self, sn_backup_service_verify_async, _(WHAT_VERIFY), check_or_upload_thread, data,
              cancellable, callback, user_data);
}

void
sn_backup_service_verify_async (SnBackupService     *self,
                                SnBackup            *backup,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_BACKUP (backup));

  check_or_upload_async (self, backup, FALSE, cancellable, callback, user_data);
}

gboolean
sn_backup_service_verify_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sn_backup_service_upload_async (SnBackupService     *self,
                                SnBackup            *backup,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_BACKUP (backup));

  check_or_upload_async (self, backup, TRUE, cancellable, callback, user_data);
}

gboolean
sn_backup_service_upload_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
list_remote_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *backups = sn_backup_service_list_remote_sync (source_object, cancellable, &error);

  if (backups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backups, (GDestroyNotify)g_ptr_array_unref);
}

void
sn_backup_service_list_remote_async (SnBackupService     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  run_task (self, sn_backup_service_list_remote_async, NULL, list_remote_thread, g_new0 (TaskData, 1),
            cancellable, callback, user_data);
}

gboolean
sn_backup_service_list_remote_finish (SnBackupService  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!(backups = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;

  g_list_store_splice (self->remote, 0, g_list_model_get_n_items (G_LIST_MODEL (self->remote)),
                       backups->pdata, backups->len);
  return TRUE;
}

static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnBackup *backup = sn_backup_service_download_sync (source_object, data->name, cancellable, &error);

  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
sn_backup_service_download_async (SnBackupService     *self,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (name != NULL);

  data->name = g_strdup (name);
  run_task (self, sn_backup_service_download_async, _(WHAT_DOWNLOAD), download_thread, data,
            cancellable, callback, user_data);
}

SnBackup *
sn_backup_service_download_finish (SnBackupService  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restore_test_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnRestoreTestResult *result = sn_backup_service_restore_test_sync (source_object, data->name,
                                                                     cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

void
sn_backup_service_restore_test_async (SnBackupService     *self,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  data->name = g_strdup (source);
  run_task (self, sn_backup_service_restore_test_async, _(WHAT_RESTORE_TEST), restore_test_thread, data,
            cancellable, callback, user_data);
}

SnRestoreTestResult *
sn_backup_service_restore_test_finish (SnBackupService  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
