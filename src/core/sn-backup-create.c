/* sn-backup-create.c: making a backup: the dump streamed into a local file, checked, kept
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
#include "sn-backup-service-private.h"
#include "sn-host.h"
#include "sn-reports.h"

#define STAGE_KEEP            3
#define STREAM_TIMEOUT_MS     (6 * 3600 * 1000)
#define PROGRESS_INTERVAL_US  (100 * 1000)

/* A sink for streamed bytes: file descriptor, sha256, progress ----------- */

#define SN_TYPE_BACKUP_SINK (sn_backup_sink_get_type ())
G_DECLARE_FINAL_TYPE (SnBackupSink, sn_backup_sink, SN, BACKUP_SINK, GOutputStream)

struct _SnBackupSink
{
  GOutputStream    parent_instance;

  SnBackupService *service;
  GChecksum       *sha256;
  char            *operation;

  int              fd;
  guint64          bytes;
  guint64          total;
  guint64          limit;
  gint64           started_us;
  gint64           last_progress_us;
};

G_DEFINE_FINAL_TYPE (SnBackupSink, sn_backup_sink, G_TYPE_OUTPUT_STREAM)

static gssize
sn_backup_sink_write (GOutputStream  *stream,
                      const void     *buffer,
                      gsize           count,
                      GCancellable   *cancellable,
                      GError        **error)
{
  SnBackupSink *self = SN_BACKUP_SINK (stream);
  gssize written;
  gint64 now;

  if (self->limit > 0 && self->bytes + count > self->limit)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, g_strerror (ENOSPC));
      return -1;
    }

  do
    written = write (self->fd, buffer, count);
  while (written < 0 && errno == EINTR);

  if (written < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return -1;
    }

  g_checksum_update (self->sha256, buffer, written);
  self->bytes += written;

  now = g_get_monotonic_time ();
  if (self->service != NULL && now - self->last_progress_us >= PROGRESS_INTERVAL_US)
    {
      self->last_progress_us = now;
      _sn_backup_report_progress (self->service, self->operation, self->bytes, self->total, self->started_us);
    }

  return written;
}

static gboolean
sn_backup_sink_close (GOutputStream  *stream,
                      GCancellable   *cancellable,
                      GError        **error)
{
  return TRUE;
}

static void
sn_backup_sink_finalize (GObject *object)
{
  SnBackupSink *self = SN_BACKUP_SINK (object);

  g_clear_object (&self->service);
  g_clear_pointer (&self->sha256, g_checksum_free);
  g_clear_pointer (&self->operation, g_free);

  G_OBJECT_CLASS (sn_backup_sink_parent_class)->finalize (object);
}

static void
sn_backup_sink_class_init (SnBackupSinkClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sn_backup_sink_finalize;
  stream_class->write_fn = sn_backup_sink_write;
  stream_class->close_fn = sn_backup_sink_close;
}

static void
sn_backup_sink_init (SnBackupSink *self)
{
  self->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  self->started_us = g_get_monotonic_time ();
}

static SnBackupSink *
sn_backup_sink_new (SnBackupService *service,
                    const char      *operation,
                    int              fd,
                    guint64          total)
{
  SnBackupSink *self = g_object_new (SN_TYPE_BACKUP_SINK, NULL);

  self->service = g_object_ref (service);
  self->operation = g_strdup (operation);
  self->fd = fd;
  self->total = total;
  self->limit = service->write_limit;
  return self;
}

/* Streaming a command's stdout into a new local file ------------------------- */

void
_sn_backup_received_clear (Received *received)
{
  if (received->temp != NULL)
    g_unlink (received->temp);
  g_clear_pointer (&received->path, g_free);
  g_clear_pointer (&received->temp, g_free);
  g_clear_pointer (&received->sha256, g_free);
}

/* Streams @command's stdout into a temp file beside @final_path, with sha256
 * and progress, then fsyncs it. The caller renames it (_sn_backup_commit_received) or
 * calls _sn_backup_received_clear(), which removes it. */
gboolean
_sn_backup_receive (SnBackupService  *self,
         const char       *operation,
         const char       *command,
         const char       *final_path,
         guint64           total,
         Received         *received,
         GCancellable     *cancellable,
         GError          **error)
{
  g_autofree char *base = g_path_get_basename (final_path);
  g_autofree char *template = NULL;
  g_autoptr(SnBackupSink) sink = NULL;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  int fd;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_FAILED,
                   _("Cannot create the backups folder %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  template = g_strdup_printf ("%s/.%s.XXXXXX.part", self->directory, base);
  if ((fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot create a file in %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  received->path = g_strdup (final_path);
  received->temp = g_strdup (template);

  sink = sn_backup_sink_new (self, operation, fd, total);
  result = _sn_backup_host_exec (self, operation, command, G_OUTPUT_STREAM (sink), STREAM_TIMEOUT_MS,
                      cancellable, &local_error);

  if (result != NULL && !sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *tail = _sn_backup_last_lines (err != NULL ? err : "", 4);

      g_set_error (&local_error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("The command on the host failed (exit status %d): %s"),
                   sn_ssh_exec_result_get_exit_status (result), *tail != '\0' ? tail : _("no message"));
    }

  if (local_error == NULL && fsync (fd) != 0)
    {
      int saved = errno;

      g_set_error (&local_error, SN_BACKUP_ERROR,
                   saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot write %s: %s"), template, g_strerror (saved));
    }

  if (close (fd) != 0 && local_error == NULL)
    {
      int saved = errno;

      g_set_error (&local_error, SN_BACKUP_ERROR,
                   saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot write %s: %s"), template, g_strerror (saved));
    }

  if (local_error != NULL)
    {
      g_unlink (received->temp);
      g_clear_pointer (&received->temp, g_free);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  received->sha256 = g_strdup (g_checksum_get_string (sink->sha256));
  received->size = sink->bytes;
  _sn_backup_report_progress (self, operation, sink->bytes, sink->bytes, sink->started_us);
  return TRUE;
}

gboolean
_sn_backup_commit_received (Received  *received,
                 GError   **error)
{
  g_autofree char *directory = g_path_get_dirname (received->path);

  if (g_rename (received->temp, received->path) != 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_FAILED,
                   _("Cannot rename %s to %s: %s"), received->temp, received->path, g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&received->temp, g_free);
  _sn_backup_fsync_directory (directory);
  return TRUE;
}

/* Create ---------------------------------------------------------------------- */

static guint64
estimate_dump_size (SnBackupService *self,
                    gint64           database_size)
{
  g_autoptr(GPtrArray) backups = _sn_backup_scan_local (self, NULL);

  /* The last dump's compression ratio, else the database size (an upper bound). */
  for (guint i = 0; backups != NULL && i < backups->len; i++)
    {
      JsonObject *manifest = sn_backup_get_manifest (g_ptr_array_index (backups, i));
      gint64 size, db;

      if (manifest == NULL)
        continue;
      size = json_object_get_int_member_with_default (manifest, "size", 0);
      db = json_object_get_int_member_with_default (manifest, "database_size", 0);
      if (size > 0 && db > 0)
        return (guint64)((double)database_size * size / db);
    }

  return database_size > 0 ? (guint64)database_size : 0;
}

static char *
new_backup_name (SnBackupService *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GDateTime) t = g_date_time_add_seconds (now, i);
      g_autofree char *stamp = g_date_time_format (t, "%Y%m%d_%H%M%S");
      g_autofree char *name = g_strdup_printf ("sweet_narcisse_%s.dump", stamp);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }

  return g_strdup_printf ("sweet_narcisse_%" G_GINT64_FORMAT ".dump", g_get_real_time ());
}

JsonObject *
_sn_backup_new_manifest (SnBackupService *self,
              const char      *name,
              const char      *label)
{
  JsonObject *manifest = json_object_new ();
  g_autoptr(GDateTime) time = _sn_backup_parse_name_time (name);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (time != NULL ? time : now);

  json_object_set_int_member (manifest, "format", 1);
  json_object_set_string_member (manifest, "name", name);
  json_object_set_string_member (manifest, "label", label != NULL ? label : "manual");
  json_object_set_string_member (manifest, "created", stamp);
  json_object_set_string_member (manifest, "profile", sn_profile_get_name (self->profile));
  json_object_set_string_member (manifest, "database", sn_profile_get_db_name (self->profile));
  json_object_set_string_member (manifest, "db_user", sn_profile_get_db_user (self->profile));
  json_object_set_string_member (manifest, "dump_format", "custom");
  return manifest;
}

static void
set_tables (JsonObject *manifest,
            GHashTable *counts)
{
  JsonObject *tables = json_object_new ();
  g_autoptr(GList) keys = g_hash_table_get_keys (counts);

  keys = g_list_sort (keys, (GCompareFunc)g_strcmp0);
  for (const GList *l = keys; l != NULL; l = l->next)
    json_object_set_int_member (tables, l->data, *(gint64 *)g_hash_table_lookup (counts, l->data));
  json_object_set_object_member (manifest, "tables", tables);
}

/* Removes what earlier broken transfers left on the host (shell words); what
 * cannot be removed now (no connection) stays listed for the next time. */
static void
remove_stale_host_files (SnBackupService *self,
                         GCancellable    *cancellable)
{
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *files = NULL;
  g_autofree char *command = NULL;
  g_autofree char *output = NULL;

  g_mutex_lock (&self->stale_lock);
  if (self->stale->len > 0)
    {
      g_ptr_array_add (self->stale, NULL);
      files = g_strjoinv (" ", (char **)self->stale->pdata);
      g_ptr_array_remove_index (self->stale, self->stale->len - 1);
    }
  g_mutex_unlock (&self->stale_lock);
  if (files == NULL)
    return;

  command = g_strdup_printf ("%srm -f %s", prologue, files);
  if ((output = _sn_backup_host_run (self, "backup.cleanup", command, cancellable, NULL)) == NULL)
    return;
  g_mutex_lock (&self->stale_lock);
  g_ptr_array_set_size (self->stale, 0);
  g_mutex_unlock (&self->stale_lock);
}

static void
add_stale_host_file (SnBackupService *self,
                     const char      *word)
{
  g_mutex_lock (&self->stale_lock);
  g_ptr_array_add (self->stale, g_strdup (word));
  g_mutex_unlock (&self->stale_lock);
}

SnBackup *
sn_backup_service_create_sync (SnBackupService      *self,
                               const char           *label,
                               SnBackupCreateFlags   flags,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_autofree char *name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *info = NULL;
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *command = NULL;
  g_autofree char *part_name = NULL;
  g_autofree char *part = NULL;
  g_autofree char *rc = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *there = NULL;
  g_autofree char *keep = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_auto(GStrv) fields = NULL;
  Received received = { NULL };
  gint64 database_size = 0;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_CREATE), error))
    return NULL;

  remove_stale_host_files (self, cancellable);
  name = new_backup_name (self);
  final_path = g_build_filename (self->directory, name, NULL);
  manifest = _sn_backup_new_manifest (self, name, label);

  if (!(info = _sn_backup_db_query (self, NULL, TRUE,
                         "SELECT pg_database_size(current_database()), current_setting('server_version')",
                         cancellable, error)))
    return NULL;
  fields = g_strsplit (g_strstrip (info), "|", 2);
  if (g_strv_length (fields) == 2)
    {
      database_size = g_ascii_strtoll (fields[0], NULL, 10);
      json_object_set_int_member (manifest, "database_size", database_size);
      json_object_set_string_member (manifest, "server_version", fields[1]);
    }

  /* The host keeps what it sent (tee) so that verification, upload and
   * restore read the very same bytes without sending them back up. */
  part_name = g_strconcat (name, ".part", NULL);
  part = _sn_backup_stage_path (part_name);
  rc = _sn_backup_dump_rc_path (name);
  staged = _sn_backup_stage_path (name);
  command = sn_backup_service_dup_dump_command (self->profile, name);

  if (!_sn_backup_receive (self, "create", command, final_path, estimate_dump_size (self, database_size),
                &received, cancellable, error))
    goto failed_host;

  if (received.size < MAX (self->min_size, 1))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("pg_dump sent only %llu bytes: that is not a plausible dump."),
                   (unsigned long long) received.size);
      goto failed;
    }

  /* Both copies must be the same bytes. */
  g_free (command);
  command = g_strdup_printf ("%srm -f %s && mv %s %s && sha256sum %s | cut -c1-64",
                             prologue, rc, part, staged, staged);
  if (!(there = _sn_backup_host_run (self, "backup.stage", command, cancellable, error)))
    goto failed;
  g_strstrip (there);
  if (g_strcmp0 (there, received.sha256) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                   _("The dump received (sha256 %.12s…) differs from the host's copy (%.12s…): "
                     "the transfer was damaged."), received.sha256, there);
      goto failed;
    }

  json_object_set_int_member (manifest, "size", received.size);
  json_object_set_string_member (manifest, "sha256", received.sha256);

  if (!_sn_backup_check_archive (self, name, manifest, cancellable, error))
    goto failed;

  /* Counted right after the dump, read-only: a table written meanwhile may differ by a few rows. */
  if (!(counts = sn_backup_service_count_rows_sync (self, NULL, cancellable, error)))
    goto failed;
  set_tables (manifest, counts);

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);

    json_object_set_string_member (manifest, "verified_at", stamp);
  }

  /* The manifest first: a dump without one is never listed as good. */
  if (!_sn_backup_commit_received (&received, error))
    goto failed;
  {
    GStatBuf st;

    if (g_stat (final_path, &st) == 0)
      json_object_set_int_member (manifest, "verified_mtime", st.st_mtime);
  }
  if (!_sn_backup_save_manifest (final_path, manifest, error))
    {
      g_unlink (final_path);
      goto failed;
    }

  /* Keep the newest few staged copies on the host. */
  keep = _sn_backup_dup_prune_command (self->profile, STAGE_KEEP);
  g_free (_sn_backup_host_run (self, "backup.stage-prune", keep, cancellable, NULL));

  backup = _sn_backup_load_local_backup (final_path);
  _sn_backup_received_clear (&received);
  _sn_backup_reload_later (self);

  if ((flags & SN_BACKUP_CREATE_UPLOAD) != 0 &&
      !sn_backup_service_upload_sync (self, backup, cancellable, error))
    return NULL;

  return g_steal_pointer (&backup);

failed:
failed_host:
  /* The host normally removes its copy itself when the stream breaks; when
   * it is still there and cannot be removed now, the next dump removes it. */
  {
    g_autofree char *cleanup = g_strdup_printf ("%srm -f %s %s", prologue, part, rc);
    g_autofree char *cleaned = _sn_backup_host_run (self, "backup.cleanup", cleanup, NULL, NULL);

    if (cleaned == NULL)
      {
        add_stale_host_file (self, part);
        add_stale_host_file (self, rc);
      }
  }
  _sn_backup_received_clear (&received);
  return NULL;
}
