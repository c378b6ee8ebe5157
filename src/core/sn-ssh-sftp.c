/* sn-ssh-sftp.c: SFTP jobs (worker thread, non-blocking) and the file API
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-session"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-ssh-session-private.h"

/* ------------------------------------------------------------------------ */
/* SFTP (worker thread, non-blocking)                                       */

static GError *
sftp_error (Worker     *worker,
            Job        *job,
            int         rc,
            const char *doing)
{
  unsigned long fx = LIBSSH2_FX_FAILURE;
  char *msg = NULL;

  if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && worker->sftp != NULL)
    fx = libssh2_sftp_last_error (worker->sftp);
  else
    libssh2_session_last_error (worker->session, &msg, NULL, 0);

  switch (fx)
    {
    case LIBSSH2_FX_NO_SUCH_FILE:
    case LIBSSH2_FX_NO_SUCH_PATH:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_NOT_FOUND,
                          _("%s on %s:%u failed: “%s” does not exist."),
                          doing, worker->host, worker->port, job->path);
    case LIBSSH2_FX_PERMISSION_DENIED:
    case LIBSSH2_FX_WRITE_PROTECT:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_PERMISSION,
                          _("%s on %s:%u failed: permission denied for “%s” (user %s)."),
                          doing, worker->host, worker->port, job->path, worker->user);
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
    case LIBSSH2_FX_QUOTA_EXCEEDED:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE,
                          _("%s on %s:%u failed: no space left for “%s”."),
                          doing, worker->host, worker->port, job->path);
    case LIBSSH2_FX_FILE_ALREADY_EXISTS:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                          _("%s on %s:%u failed: “%s” already exists."),
                          doing, worker->host, worker->port, job->path);
    default:
      /* OpenSSH's SFTP v3 says only "Failure" for ENOSPC, EIO, ... */
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                          _("%s on %s:%u failed for “%s”: %s (SFTP status %lu, libssh2 error %d)."),
                          doing, worker->host, worker->port, job->path,
                          msg != NULL && *msg != '\0' ? msg : _("the server reported a failure"),
                          fx, rc);
    }
}

static void
sftp_job_fail (Job    *job,
               GError *error)
{
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  job->sftp_state = job->handle != NULL ? SFTP_CLOSE : SFTP_FINISH;
}

/* The steps of a JOB_SFTP. Each sets @progress when it made some. */

static PumpStep
sftp_step_init (Worker   *worker,
                Job      *job,
                int      *fatal,
                gboolean *progress)
{
  LIBSSH2_SESSION *s = worker->session;
  int rc;

  if (worker->sftp != NULL)
    {
      job->sftp_state = SFTP_OPEN;
      return PUMP_AGAIN;
    }
  if (worker->sftp_unavailable)
    {
      sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE,
                                       _("%s:%u has no SFTP subsystem."),
                                       worker->host, worker->port));
      return PUMP_AGAIN;
    }
  if (worker->opening != NULL && worker->opening != job)
    return PUMP_WAIT;
  worker->opening = job;
  worker->sftp = libssh2_sftp_init (s);
  if (worker->sftp == NULL)
    {
      rc = libssh2_session_last_errno (s);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      worker->opening = NULL;
      if (sn_ssh_rc_is_fatal (rc))
        {
          *fatal = rc;
          return PUMP_WAIT;
        }
      worker->sftp_unavailable = TRUE;
      g_debug ("No SFTP on %s:%u (libssh2 error %d): file transfers use exec",
               worker->host, worker->port, rc);
      sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE,
                                       _("%s:%u has no SFTP subsystem."),
                                       worker->host, worker->port));
      *progress = TRUE;
      return PUMP_AGAIN;
    }
  worker->opening = NULL;
  job->sftp_state = SFTP_OPEN;
  *progress = TRUE;
  return PUMP_AGAIN;
}

static PumpStep
sftp_step_open (Worker     *worker,
                Job        *job,
                const char *doing,
                int        *fatal,
                gboolean   *progress)
{
  int rc;

  if (job->sftp_op == SFTP_READ)
    job->handle = libssh2_sftp_open_ex (worker->sftp, job->path, strlen (job->path),
                                        LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
  else
    job->handle = libssh2_sftp_open_ex (worker->sftp, job->path, strlen (job->path),
                                        LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
                                        LIBSSH2_FXF_EXCL,
                                        job->file_mode, LIBSSH2_SFTP_OPENFILE);
  if (job->handle == NULL)
    {
      rc = libssh2_session_last_errno (worker->session);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      if (sn_ssh_rc_is_fatal (rc))
        {
          *fatal = rc;
          return PUMP_WAIT;
        }
      sftp_job_fail (job, sftp_error (worker, job, rc, doing));
      *progress = TRUE;
      return PUMP_AGAIN;
    }
  job->sftp_state = job->sftp_op == SFTP_READ ? SFTP_FSTAT : SFTP_IO;
  *progress = TRUE;
  return PUMP_AGAIN;
}

static PumpStep
sftp_step_fstat (Worker     *worker,
                 Job        *job,
                 const char *doing,
                 int        *fatal,
                 gboolean   *progress)
{
  LIBSSH2_SFTP_ATTRIBUTES attrs = { 0 };
  int rc;

  rc = libssh2_sftp_fstat_ex (job->handle, &attrs, 0);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    return PUMP_WAIT;
  if (rc < 0 && sn_ssh_rc_is_fatal (rc))
    {
      *fatal = rc;
      return PUMP_WAIT;
    }
  *progress = TRUE;
  if (rc < 0)
    {
      sftp_job_fail (job, sftp_error (worker, job, rc, doing));
      return PUMP_AGAIN;
    }
  if (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS)
    {
      job->file_mode = attrs.permissions & 07777;
      if (LIBSSH2_SFTP_S_ISDIR (attrs.permissions))
        {
          sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                                           _("“%s” on %s:%u is a directory, not a file."),
                                           job->path, worker->host, worker->port));
          return PUMP_AGAIN;
        }
    }
  if ((attrs.flags & LIBSSH2_SFTP_ATTR_SIZE) && attrs.filesize < G_MAXUINT32)
    {
      g_byte_array_unref (job->out);
      job->out = g_byte_array_sized_new ((guint)attrs.filesize);
    }
  job->sftp_state = SFTP_IO;
  return PUMP_AGAIN;
}

static PumpStep
sftp_step_io (Worker     *worker,
              Job        *job,
              const char *doing,
              int        *fatal,
              gboolean   *progress)
{
  ssize_t n;

  if (job->sftp_op == SFTP_READ)
    {
      n = libssh2_sftp_read (job->handle, (char *)worker->buffer, READ_BUFFER_SIZE);
      if (n == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      if (n > 0)
        {
          g_byte_array_append (job->out, worker->buffer, n);
          job->out_size += n;
          *progress = TRUE;
          return PUMP_AGAIN;
        }
      if (n == 0)
        {
          job->sftp_state = SFTP_CLOSE;
          *progress = TRUE;
          return PUMP_AGAIN;
        }
    }
  else
    {
      gsize size;
      const guchar *data = g_bytes_get_data (job->data, &size);

      if (job->data_off == size)
        {
          job->sftp_state = SFTP_FSYNC;
          *progress = TRUE;
          return PUMP_AGAIN;
        }
      /* Same pointer and length again after EAGAIN, as libssh2 wants. */
      n = libssh2_sftp_write (job->handle, (const char *)data + job->data_off,
                              MIN (size - job->data_off, SFTP_WRITE_SLICE));
      if (n == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      if (n >= 0)
        {
          job->data_off += n;
          job->in_size += n;
          *progress = TRUE;
          return PUMP_AGAIN;
        }
    }
  if (sn_ssh_rc_is_fatal ((int)n))
    {
      *fatal = (int)n;
      return PUMP_WAIT;
    }
  sftp_job_fail (job, sftp_error (worker, job, (int)n, doing));
  *progress = TRUE;
  return PUMP_AGAIN;
}

static PumpStep
sftp_step_fsync (Worker     *worker,
                 Job        *job,
                 const char *doing,
                 int        *fatal,
                 gboolean   *progress)
{
  int rc;

  rc = libssh2_sftp_fsync (job->handle);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    return PUMP_WAIT;
  if (rc == 0)
    job->sftp_result->fsynced = TRUE;
  else if (sn_ssh_rc_is_fatal (rc))
    {
      *fatal = rc;
      return PUMP_WAIT;
    }
  else if (!(rc == LIBSSH2_ERROR_SFTP_PROTOCOL &&
             libssh2_sftp_last_error (worker->sftp) == LIBSSH2_FX_OP_UNSUPPORTED))
    {
      sftp_job_fail (job, sftp_error (worker, job, rc, doing));
      *progress = TRUE;
      return PUMP_AGAIN;
    }
  job->sftp_state = SFTP_CLOSE;
  *progress = TRUE;
  return PUMP_AGAIN;
}

static PumpStep
sftp_step_close (Worker     *worker,
                 Job        *job,
                 const char *doing,
                 int        *fatal,
                 gboolean   *progress)
{
  int rc;

  rc = libssh2_sftp_close_handle (job->handle);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    return PUMP_WAIT;
  job->handle = NULL;
  if (rc < 0 && sn_ssh_rc_is_fatal (rc))
    {
      *fatal = rc;
      return PUMP_WAIT;
    }
  if (rc < 0 && job->error == NULL && job->sftp_op == SFTP_WRITE)
    job->error = sftp_error (worker, job, rc, doing);
  job->sftp_state = SFTP_FINISH;
  *progress = TRUE;
  return PUMP_AGAIN;
}

/* The file is closed: the bytes or the error go back. */
static void
sftp_step_finish (Worker *worker,
                  Job    *job)
{
  worker->sftp_owner = NULL;
  if (job->error != NULL)
    sn_ssh_job_return_error (job, g_steal_pointer (&job->error));
  else if (job->task != NULL)
    {
      GTask *task = g_steal_pointer (&job->task);

      if (job->sftp_op == SFTP_READ)
        {
          job->sftp_result->data = g_byte_array_free_to_bytes (g_steal_pointer (&job->out));
          job->sftp_result->mode = job->file_mode;
        }
      g_task_return_pointer (task, g_steal_pointer (&job->sftp_result),
                             (GDestroyNotify)sn_ssh_sftp_result_free);
      g_object_unref (task);
    }
  job->state = CH_DONE;
}

/* JOB_SFTP: one file read or written, start to end. Returns TRUE on progress. */
gboolean
sn_ssh_sftp_job_pump (Worker  *worker,
                      Job     *job,
                      int     *fatal)
{
  gboolean progress = FALSE;
  const char *doing = job->sftp_op == SFTP_READ ? _("Reading a file") : _("Writing a file");

  if (worker->sftp_owner != NULL && worker->sftp_owner != job)
    return FALSE;
  worker->sftp_owner = job;

  for (;;)
    {
      PumpStep step;

      if (job->error == NULL && job->sftp_state < SFTP_CLOSE && sn_ssh_job_is_cancelled (job))
        {
          sftp_job_fail (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The file transfer was cancelled.")));
          progress = TRUE;
        }

      switch (job->sftp_state)
        {
        case SFTP_INIT:
          step = sftp_step_init (worker, job, fatal, &progress);
          break;
        case SFTP_OPEN:
          step = sftp_step_open (worker, job, doing, fatal, &progress);
          break;
        case SFTP_FSTAT:
          step = sftp_step_fstat (worker, job, doing, fatal, &progress);
          break;
        case SFTP_IO:
          step = sftp_step_io (worker, job, doing, fatal, &progress);
          break;
        case SFTP_FSYNC:
          step = sftp_step_fsync (worker, job, doing, fatal, &progress);
          break;
        case SFTP_CLOSE:
          step = sftp_step_close (worker, job, doing, fatal, &progress);
          break;
        case SFTP_FINISH:
        default:
          sftp_step_finish (worker, job);
          return TRUE;
        }

      if (step == PUMP_WAIT)
        return progress;
      g_assert (step == PUMP_AGAIN);
    }
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

const char *
sn_ssh_transport_to_string (SnSshTransport transport)
{
  return transport == SN_SSH_TRANSPORT_SFTP ? "sftp" : "exec";
}

static void
sftp_submit (SnSshSession        *self,
             SftpOp               op,
             const char          *path,
             GBytes              *data,
             guint                mode,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job;

  g_task_set_source_tag (task, sftp_submit);
  job = sn_ssh_job_new (JOB_SFTP, g_steal_pointer (&task));
  job->sftp_op = op;
  job->path = g_strdup (path);
  job->data = data != NULL ? g_bytes_ref (data) : NULL;
  job->file_mode = mode;
  job->out = g_byte_array_new ();
  job->sftp_result = g_new0 (SftpResult, 1);
  job->state = CH_OPEN;

  sn_ssh_session_submit (self, job);
}

/* The last non-empty line of a command's stderr. */
static char *
stderr_last_line (SnSshExecResult *result)
{
  g_autofree char *text = sn_ssh_exec_result_dup_stderr_text (result);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
  guint n = g_strv_length (lines);

  return g_strdup (n > 0 ? lines[n - 1] : "");
}

static GError *
exec_file_error (SnSshSession    *self,
                 SnSshExecResult *result,
                 const char      *doing,
                 const char      *path)
{
  g_autofree char *why = stderr_last_line (result);
  g_autofree char *where = sn_ssh_session_dup_display_name (self);
  SnSshError code = SN_SSH_ERROR_FAILED;

  if (strstr (why, "No such file") != NULL)
    code = SN_SSH_ERROR_NOT_FOUND;
  else if (strstr (why, "Permission denied") != NULL || strstr (why, "Read-only file system") != NULL)
    code = SN_SSH_ERROR_PERMISSION;
  else if (strstr (why, "No space left") != NULL || strstr (why, "Disk quota exceeded") != NULL)
    code = SN_SSH_ERROR_NO_SPACE;

  return g_error_new (SN_SSH_ERROR, code, _("%s “%s” on %s failed (exit status %d): %s"),
                      doing, path, where, sn_ssh_exec_result_get_exit_status (result),
                      *why != '\0' ? why : _("no message"));
}

typedef struct
{
  char           *path;
  SnSshTransport  transport;
} ReadFile;

static void
read_file_free (ReadFile *rf)
{
  g_free (rf->path);
  g_free (rf);
}

static void
on_read_exec (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  ReadFile *rf = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  GError *error = NULL;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    g_task_return_error (task, error);
  else if (!sn_ssh_exec_result_get_success (exec))
    g_task_return_error (task, exec_file_error (self, exec, _("Reading"), rf->path));
  else
    g_task_return_pointer (task, g_bytes_ref (sn_ssh_exec_result_get_stdout (exec)),
                           (GDestroyNotify)g_bytes_unref);
}

static void
on_read_sftp (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  ReadFile *rf = g_task_get_task_data (task);
  SftpResult *res;
  GError *error = NULL;

  res = g_task_propagate_pointer (G_TASK (result), &error);
  if (res != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&res->data), (GDestroyNotify)g_bytes_unref);
      sn_ssh_sftp_result_free (res);
      return;
    }

  if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE))
    {
      g_autofree char *quoted = g_shell_quote (rf->path);
      g_autofree char *command = g_strdup_printf ("cat -- %s", quoted);

      GCancellable *cancellable = g_task_get_cancellable (task);

      g_clear_error (&error);
      rf->transport = SN_SSH_TRANSPORT_EXEC;
      sn_ssh_session_exec_async (self, command, 0, cancellable,
                                 on_read_exec, g_steal_pointer (&task));
      return;
    }

  g_task_return_error (task, error);
}

/**
 * sn_ssh_session_read_file_async:
 * @path: an absolute path on the host
 *
 * Reads a whole remote file into memory: over SFTP, or `cat` over exec when
 * the server has no SFTP subsystem.
 */
void
sn_ssh_session_read_file_async (SnSshSession        *self,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadFile *rf;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (path != NULL && *path != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_read_file_async);
  rf = g_new0 (ReadFile, 1);
  rf->path = g_strdup (path);
  rf->transport = SN_SSH_TRANSPORT_SFTP;
  g_task_set_task_data (task, rf, (GDestroyNotify)read_file_free);

  sftp_submit (self, SFTP_READ, path, NULL, 0, cancellable, on_read_sftp, g_steal_pointer (&task));
}

/**
 * sn_ssh_session_read_file_finish:
 * @transport: (out) (optional): which path the bytes took
 *
 * Returns: (transfer full): the file's bytes; errors: %SN_SSH_ERROR_NOT_FOUND,
 *   %SN_SSH_ERROR_PERMISSION, ...
 */
GBytes *
sn_ssh_session_read_file_finish (SnSshSession    *self,
                                 GAsyncResult    *result,
                                 SnSshTransport  *transport,
                                 GError         **error)
{
  ReadFile *rf;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  rf = g_task_get_task_data (G_TASK (result));
  if (transport != NULL)
    *transport = rf->transport;
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char           *path;
  char           *dir;
  char           *tmp;
  char           *backup;
  GBytes         *contents;
  GError         *error;        /* the failure being cleaned up after */
  int             mode;
  SnSshTransport  transport;
  gboolean        fsynced;
} Replace;

static void
replace_free (Replace *r)
{
  g_free (r->path);
  g_free (r->dir);
  g_free (r->tmp);
  g_free (r->backup);
  g_clear_pointer (&r->contents, g_bytes_unref);
  g_clear_error (&r->error);
  g_free (r);
}

static void
on_replace_cleaned (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autofree char *where = sn_ssh_session_dup_display_name (self);
  g_autofree char *out = NULL;
  guint64 avail = G_MAXUINT64;
  gsize size = g_bytes_get_size (r->contents);

  exec = sn_ssh_session_exec_finish (self, result, NULL);
  if (exec != NULL && sn_ssh_exec_result_get_success (exec))
    {
      out = sn_ssh_exec_result_dup_stdout_text (exec);
      if (*g_strstrip (out) != '\0')
        avail = g_ascii_strtoull (out, NULL, 10);
    }

  if (g_error_matches (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&r->error));
      return;
    }

  /* SFTP v3 reports a full disk as a plain "Failure": the free space tells. */
  if (g_error_matches (r->error, SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE) ||
      (g_error_matches (r->error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED) && avail < size))
    {
      g_autofree char *need = g_format_size (size);
      g_autofree char *free_text = avail != G_MAXUINT64 ? g_format_size (avail) : g_strdup (_("unknown"));

      g_task_return_new_error (task, SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE,
                               _("No space left on %s for the new “%s”: it needs %s and %s holds %s "
                                 "free. “%s” was not changed and the temporary file was removed. "
                                 "Free some space there (`df -h %s`) and try again."),
                               where, r->path, need, r->dir, free_text, r->path, r->dir);
      return;
    }

  g_prefix_error (&r->error, _("“%s” was not changed (the temporary file was removed): "), r->path);
  g_task_return_error (task, g_steal_pointer (&r->error));
}

/* Removes the temp file, reads the free space, then fails with @error. */
static void
replace_fail (GTask  *task,
              GError *error)
{
  SnSshSession *self = g_task_get_source_object (task);
  Replace *r = g_task_get_task_data (task);
  g_autofree char *tmp = g_shell_quote (r->tmp);
  g_autofree char *dir = g_shell_quote (r->dir);
  g_autofree char *command = g_strdup_printf ("rm -f -- %s; df -P -B1 -- %s | awk 'NR==2 {print $4}'",
                                              tmp, dir);

  g_clear_error (&r->error);
  r->error = error;
  /* not cancellable: the temp file must go */
  sn_ssh_session_exec_async (self, command, 30000, NULL, on_replace_cleaned, task);
}

static void
on_replace_committed (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autofree char *out = NULL;
  GError *error = NULL;
  const char *line;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    {
      replace_fail (g_steal_pointer (&task), error);
      return;
    }
  if (!sn_ssh_exec_result_get_success (exec))
    {
      error = exec_file_error (self, exec, _("Replacing"), r->path);
      if (error->code == SN_SSH_ERROR_NO_SPACE || error->code == SN_SSH_ERROR_FAILED)
        replace_fail (g_steal_pointer (&task), error);
      else
        {
          g_prefix_error (&error, _("“%s” was not changed: "), r->path);
          g_task_return_error (task, error);
        }
      return;
    }

  out = sn_ssh_exec_result_dup_stdout_text (exec);
  line = strstr (out, "backup=");
  if (line != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (line + strlen ("backup="), "\n", 2);

      if (parts[0] != NULL && *parts[0] != '\0')
        r->backup = g_strdup (parts[0]);
    }
  g_task_return_boolean (task, TRUE);
}

/* Size check, backup, mode, sync, rename: one exec. */
static void
replace_commit (GTask *task)
{
  SnSshSession *self = g_task_get_source_object (task);
  Replace *r = g_task_get_task_data (task);
  g_autofree char *target = g_shell_quote (r->path);
  g_autofree char *tmp = g_shell_quote (r->tmp);
  g_autofree char *mode = r->mode >= 0 ? g_strdup_printf ("%04o", r->mode & 07777) : g_strdup ("");
  g_autofree char *command = NULL;

  command = g_strdup_printf (
    "T=%s; P=%s; N=%" G_GSIZE_FORMAT "; M=%s\n"
    "s=$(stat -c %%s -- \"$P\") || exit 10\n"
    "if [ \"$s\" != \"$N\" ]; then rm -f -- \"$P\"; echo \"the temporary file holds $s bytes, not $N\" >&2; exit 11; fi\n"
    "B=\n"
    "if [ -e \"$T\" ]; then\n"
    "  d=$(date +%%Y%%m%%d-%%H%%M%%S); B=\"$T.$d.bak\"; i=1\n"
    "  while [ -e \"$B\" ]; do B=\"$T.$d-$i.bak\"; i=$((i + 1)); done\n"
    "  cp -p -- \"$T\" \"$B\" || { rm -f -- \"$P\" \"$B\"; exit 12; }\n"
    "  chmod --reference=\"$T\" -- \"$P\"; chown --reference=\"$T\" -- \"$P\" 2>/dev/null\n"
    "fi\n"
    "if [ -n \"$M\" ]; then chmod \"$M\" -- \"$P\" || { rm -f -- \"$P\" ${B:+\"$B\"}; exit 13; }\n"
    "elif [ -z \"$B\" ]; then chmod 0600 -- \"$P\"; fi\n"
    "%s"
    /* $B is a copy of the untouched target: it goes with the temp file. */
    "mv -f -- \"$P\" \"$T\" || { rm -f -- \"$P\" ${B:+\"$B\"}; exit 15; }\n"
    "sync -- \"$(dirname -- \"$T\")\" 2>/dev/null\n"
    "echo \"backup=$B\"\n",
    target, tmp, g_bytes_get_size (r->contents), mode,
    r->fsynced ? "" : "sync -- \"$P\" || { rm -f -- \"$P\" ${B:+\"$B\"}; exit 14; }\n");

  sn_ssh_session_exec_async (self, command, 120000, NULL, on_replace_committed, task);
}

static void
on_replace_uploaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  GError *error = NULL;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    replace_fail (task, error);
  else if (!sn_ssh_exec_result_get_success (exec))
    replace_fail (task, exec_file_error (self, exec, _("Writing"), r->tmp));
  else if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    replace_fail (task, error);   /* nothing renamed yet: the temp file goes too (L4) */
  else
    replace_commit (task);
}

static void
on_replace_written (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  SftpResult *res;
  GError *error = NULL;

  res = g_task_propagate_pointer (G_TASK (result), &error);
  if (res != NULL)
    {
      r->fsynced = res->fsynced;
      sn_ssh_sftp_result_free (res);
      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
        replace_fail (task, error);   /* cancelled before the rename: nothing left (L4) */
      else
        replace_commit (task);
      return;
    }

  if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE))
    {
      g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (r->contents);
      g_autofree char *tmp = g_shell_quote (r->tmp);
      g_autofree char *command = g_strdup_printf ("umask 077 && set -C && cat > %s", tmp);

      g_clear_error (&error);
      r->transport = SN_SSH_TRANSPORT_EXEC;
      sn_ssh_session_exec_with_input_async (self, command, input, 0, g_task_get_cancellable (task),
                                            on_replace_uploaded, task);
      return;
    }

  replace_fail (task, error);
}

/**
 * sn_ssh_session_replace_file_async:
 * @path: an absolute path on the host; its directory must exist
 * @contents: the new bytes
 * @mode: permission bits for the new file, or -1 to keep those of the file
 *   it replaces (0600 for a new file: it may hold secrets, such as a .env)
 *
 * Replaces @path atomically: the bytes go to a temp file beside it (SFTP,
 * or `cat` over exec without SFTP), synced (fsync@openssh.com, else `sync`),
 * the original is copied to `PATH.YYYYMMDD-HHMMSS.bak` with its mode and
 * owner, and the temp file is renamed over @path. On any failure (full disk,
 * permission, cancel before the rename) @path is untouched and the temp file
 * removed; a full disk is %SN_SSH_ERROR_NO_SPACE.
 */
void
sn_ssh_session_replace_file_async (SnSshSession        *self,
                                   const char          *path,
                                   GBytes              *contents,
                                   int                  mode,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  g_autofree char *tmp_name = NULL;
  Replace *r;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (path != NULL && *path != '\0');
  g_return_if_fail (contents != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_replace_file_async);
  r = g_new0 (Replace, 1);
  r->path = g_strdup (path);
  r->dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  token = g_strdup_printf ("%08x", g_random_int ());
  tmp_name = g_strdup_printf (".%s.sn-%s.tmp", base, token);
  r->tmp = g_build_filename (r->dir, tmp_name, NULL);
  r->contents = g_bytes_ref (contents);
  r->mode = mode;
  r->transport = SN_SSH_TRANSPORT_SFTP;
  g_task_set_task_data (task, r, (GDestroyNotify)replace_free);

  /* A dot file (".env.production.local") is a file; "." and ".." are not. */
  if (base[0] == '/' || g_str_equal (base, ".") || g_str_equal (base, "..") || g_str_has_suffix (path, "/"))
    {
      g_task_return_new_error (task, SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                               _("“%s” does not name a file."), path);
      return;
    }

  sftp_submit (self, SFTP_WRITE, r->tmp, contents, 0600, cancellable,
               on_replace_written, g_steal_pointer (&task));
}

/**
 * sn_ssh_session_replace_file_finish:
 * @backup_path: (out) (optional) (transfer full): the backup of the old
 *   file, or %NULL when there was none
 * @transport: (out) (optional): which path the bytes took
 */
gboolean
sn_ssh_session_replace_file_finish (SnSshSession    *self,
                                    GAsyncResult    *result,
                                    char           **backup_path,
                                    SnSshTransport  *transport,
                                    GError         **error)
{
  Replace *r;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  r = g_task_get_task_data (G_TASK (result));
  if (transport != NULL)
    *transport = r->transport;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      if (backup_path != NULL)
        *backup_path = NULL;
      return FALSE;
    }
  if (backup_path != NULL)
    *backup_path = g_strdup (r->backup);
  return TRUE;
}
