/* sn-database-copy.c: COPY … TO STDOUT into a stream or a file, and CSV exports
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-database"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <libpq-fe.h>

#include "sn-database-private.h"
#include "sn-database-connector.h"
#include "sn-sql-console.h"
#include "sn-net.h"
#include "sn-query-result-private.h"

/* ------------------------------------------------------------------------ */
/* COPY … TO STDOUT                                                         */

typedef struct
{
  SnCopyProgressFunc func;
  gpointer           data;
  guint64            bytes;
  guint64            rows;
} ProgressCall;

static gboolean
progress_cb (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->func (call->bytes, call->rows, call->data);

  return G_SOURCE_REMOVE;
}

static void
report_progress (Job      *job,
                 gboolean  force)
{
  ProgressCall *call;
  gint64 now;

  if (job->progress == NULL)
    return;

  now = g_get_monotonic_time ();
  if (!force && now - job->last_progress < PROGRESS_INTERVAL_USEC)
    return;
  job->last_progress = now;

  call = g_new0 (ProgressCall, 1);
  call->func = job->progress;
  call->data = job->progress_data;
  call->bytes = job->bytes;
  call->rows = job->rows;
  g_main_context_invoke_full (job->progress_context, G_PRIORITY_DEFAULT,
                              progress_cb, call, g_free);
}

static gboolean
copy_locked (SnDatabase     *self,
             Job            *job,
             GOutputStream  *stream,
             GError        **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *select = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GError) write_error = NULL;
  gsize used = 0;
  guint64 lines = 0;
  gboolean cancel_sent = FALSE;
  PGresult *res;
  int len;

  select = g_strdup (job->sql);
  g_strchomp (select);
  while (*select != '\0' && select[strlen (select) - 1] == ';')
    {
      select[strlen (select) - 1] = '\0';
      g_strchomp (select);
    }

  /* The newline ends a trailing "-- comment" before the ")" (L11). */
  copy = g_strdup_printf ("COPY (%s\n) TO STDOUT WITH (FORMAT csv, HEADER)", select);
  res = PQexec (self->conn, copy);
  if (PQresultStatus (res) != PGRES_COPY_OUT)
    {
      g_propagate_error (error, _sn_database_error_from_result (self, job, res));
      PQclear (res);
      return FALSE;
    }
  PQclear (res);

  buffer = g_malloc (COPY_BUFFER_SIZE);

  for (;;)
    {
      char *row = NULL;
      char *data;

      len = PQgetCopyData (self->conn, &row, 0);
      if (len < 0)
        break;

      /* One row a message: filtered whole for spreadsheets (M9). */
      data = row;
      if (job->csv_filter != NULL)
        {
          g_string_truncate (job->csv_out, 0);
          sn_csv_filter_feed (job->csv_filter, row, len, job->csv_out);
          data = job->csv_out->str;
          len = (int)job->csv_out->len;
        }

      if (write_error == NULL && !_sn_database_job_cancelled (job))
        {
          if (used + (gsize)len > COPY_BUFFER_SIZE)
            {
              if (!g_output_stream_write_all (stream, buffer, used, NULL, NULL, &write_error))
                g_prefix_error (&write_error, _("Cannot write the CSV file: "));
              job->bytes += used;
              used = 0;
            }
          if (write_error == NULL && (gsize)len > COPY_BUFFER_SIZE)
            {
              if (!g_output_stream_write_all (stream, data, len, NULL, NULL, &write_error))
                g_prefix_error (&write_error, _("Cannot write the CSV file: "));
              job->bytes += len;
            }
          else if (write_error == NULL)
            {
              memcpy (buffer + used, data, len);
              used += len;
            }
          if (lines++ > 0)
            job->rows++;
          report_progress (job, FALSE);
        }

      PQfreemem (row);

      /* A failed write or a cancel: have the server stop, then drain. */
      if (!cancel_sent && (write_error != NULL || _sn_database_job_cancelled (job)))
        {
          g_mutex_lock (&self->state_lock);
          _sn_database_request_cancel_locked (self, job);
          g_mutex_unlock (&self->state_lock);
          cancel_sent = TRUE;
        }
    }

  if (len == -2)
    {
      g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                   _("Lost the connection to PostgreSQL at %s:%u during the export: %s"),
                   self->host, self->port, PQerrorMessage (self->conn));
      return FALSE;
    }

  res = PQgetResult (self->conn);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      if (write_error != NULL)
        g_propagate_error (error, g_steal_pointer (&write_error));
      else
        g_propagate_error (error, _sn_database_error_from_result (self, job, res));
      PQclear (res);
      while ((res = PQgetResult (self->conn)) != NULL)
        PQclear (res);
      return FALSE;
    }
  PQclear (res);
  while ((res = PQgetResult (self->conn)) != NULL)
    PQclear (res);

  if (write_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&write_error));
      return FALSE;
    }

  if (_sn_database_job_cancelled (job))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The export was cancelled."));
      return FALSE;
    }

  if (used > 0)
    {
      if (!g_output_stream_write_all (stream, buffer, used, NULL, NULL, error))
        {
          g_prefix_error (error, _("Cannot write the CSV file: "));
          return FALSE;
        }
      job->bytes += used;
    }

  if (!g_output_stream_flush (stream, NULL, error))
    return FALSE;

  report_progress (job, TRUE);

  return TRUE;
}

static gboolean
run_copy (SnDatabase     *self,
          Job            *job,
          GOutputStream  *stream,
          GError        **error)
{
  gboolean ok = FALSE;

  g_mutex_lock (&self->conn_lock);

  if (_sn_database_job_cancelled (job))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The export was cancelled."));
  else if (_sn_database_check_read_only_net (self, job->sql, error) &&
           _sn_database_ensure_connected_locked (self, error) &&
           _sn_database_apply_settings_locked (self, error))
    {
      _sn_database_begin_operation (self, job);
      ok = copy_locked (self, job, stream, error);
      _sn_database_end_operation (self, job);

      if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
        _sn_database_set_connected (self, FALSE, 0);
    }

  g_mutex_unlock (&self->conn_lock);

  return ok;
}

static void
copy_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!run_copy (job->self, job, job->stream, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static Job *
copy_job_new (SnDatabase          *self,
              const char          *sql,
              SnCopyProgressFunc   progress,
              gpointer             progress_data,
              GDestroyNotify       progress_destroy,
              GCancellable        *cancellable)
{
  Job *job = _sn_database_job_new (self, sql, cancellable);

  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_destroy = progress_destroy;
  job->progress_context = g_main_context_ref_thread_default ();
  if (self->csv_flags & SN_CSV_SPREADSHEET_SAFE)
    {
      job->csv_filter = sn_csv_filter_new (self->csv_flags);
      job->csv_out = g_string_new (NULL);
    }

  return job;
}

/* Runs @job (owned) in a worker: the task checks no cancellable of its own,
 * @thread_func does (and says what was done before the cancel). */
static void
run_copy_job (SnDatabase          *self,
              Job                 *job,
              gpointer             source_tag,
              GTaskThreadFunc      thread_func,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, _sn_database_job_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, thread_func);
}

/**
 * sn_database_copy_to_async:
 * @sql: one SELECT (without a trailing semicolon, or with one: it is removed)
 * @stream: where the CSV goes; written from a worker thread
 * @progress: (nullable): called on the calling context with bytes and rows so far
 * @progress_destroy: frees @progress_data once the export is over (any thread)
 *
 * Streams `COPY (sql) TO STDOUT WITH (FORMAT csv, HEADER)` into @stream
 * through a 256 KiB buffer: memory stays flat whatever the size. Cancelling
 * sends a cancel request and fails with %G_IO_ERROR_CANCELLED; what was
 * already written to @stream stays there (see sn_database_export_csv_async()).
 */
void
sn_database_copy_to_async (SnDatabase          *self,
                           const char          *sql,
                           GOutputStream       *stream,
                           SnCopyProgressFunc   progress,
                           gpointer             progress_data,
                           GDestroyNotify       progress_destroy,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = copy_job_new (self, sql, progress, progress_data, progress_destroy, cancellable);
  job->stream = g_object_ref (stream);
  run_copy_job (self, job, sn_database_copy_to_async, copy_thread, cancellable, callback, user_data);
}

static gboolean
copy_finish (SnDatabase    *self,
             GAsyncResult  *result,
             guint64       *bytes,
             guint64       *rows,
             GError       **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  if (bytes != NULL)
    *bytes = job->bytes;
  if (rows != NULL)
    *rows = job->rows;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sn_database_copy_to_finish:
 * @bytes: (out) (optional): bytes written
 * @rows: (out) (optional): data rows written
 */
gboolean
sn_database_copy_to_finish (SnDatabase    *self,
                            GAsyncResult  *result,
                            guint64       *bytes,
                            guint64       *rows,
                            GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return copy_finish (self, result, bytes, rows, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GOutputStream) stream = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  GError *error = NULL;
  const char *path;
  int fd;
  int saved_errno;

  path = g_file_peek_path (job->file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("CSV files can only be written to a local folder."));
      return;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* Beside the target, so that rename() is atomic (same file system). */
  tmp_path = g_strdup_printf ("%s/.%s.XXXXXX.part", dir, base);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create a file in “%s”: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }

  stream = g_unix_output_stream_new (fd, FALSE);

  if (!run_copy (job->self, job, stream, &error))
    goto failed;

  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }

  if (close (fd) != 0)
    {
      saved_errno = errno;
      fd = -1;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }
  fd = -1;

  if (g_rename (tmp_path, path) != 0)
    {
      saved_errno = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot replace “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }

  /* Make the rename itself durable. */
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  g_task_return_boolean (task, TRUE);
  return;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  g_task_return_error (task, error);
}

/**
 * sn_database_export_csv_async:
 * @file: the CSV file to write (a local path)
 *
 * Like sn_database_copy_to_async() into a temporary file beside @file, then
 * fsync() and rename() over it. On error or cancel the temporary file is
 * removed and an existing @file is left as it was. The file is made with mode
 * 0600: exports hold customer data.
 */
void
sn_database_export_csv_async (SnDatabase          *self,
                              const char          *sql,
                              GFile               *file,
                              SnCopyProgressFunc   progress,
                              gpointer             progress_data,
                              GDestroyNotify       progress_destroy,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job;

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = copy_job_new (self, sql, progress, progress_data, progress_destroy, cancellable);
  job->file = g_object_ref (file);
  run_copy_job (self, job, sn_database_export_csv_async, export_thread, cancellable, callback, user_data);
}

gboolean
sn_database_export_csv_finish (SnDatabase    *self,
                               GAsyncResult  *result,
                               guint64       *bytes,
                               guint64       *rows,
                               GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return copy_finish (self, result, bytes, rows, error);
}
